// Types of the CommonJS bundle (dist/index.cjs): the same API as the ESM build.
import type * as Testing from '../dist/index.js' with { 'resolution-mode': 'import' };

export declare const startBroker: typeof Testing.startBroker;
export declare const TestBroker: typeof Testing.TestBroker;
export declare const ApiKey: typeof Testing.ApiKey;
export declare const ErrorCode: typeof Testing.ErrorCode;
export type TestBroker = Testing.TestBroker;
export type StartBrokerOptions = Testing.StartBrokerOptions;
export type CreateTopicOptions = Testing.CreateTopicOptions;
export type Fault = Testing.Fault;
export type FaultAction = Testing.FaultAction;
export type FaultDecider = Testing.FaultDecider;
export type FaultMatch = Testing.FaultMatch;
export type FaultRequest = Testing.FaultRequest;
export type RecordedRequest = Testing.RecordedRequest;
export type RequestTopic = Testing.RequestTopic;
