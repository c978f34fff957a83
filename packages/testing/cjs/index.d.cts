import type * as Testing from '../dist/index.js' with { 'resolution-mode': 'import' };

export type TestBroker = Testing.TestBroker;
export type StartBrokerOptions = Testing.StartBrokerOptions;
export type CreateTopicOptions = Testing.CreateTopicOptions;
export type Fault = Testing.Fault;
export type FaultAction = Testing.FaultAction;
export type FaultMatch = Testing.FaultMatch;
export type RecordedRequest = Testing.RecordedRequest;

export declare function startBroker(options?: StartBrokerOptions): Promise<TestBroker>;
export declare function load(): Promise<typeof Testing>;
