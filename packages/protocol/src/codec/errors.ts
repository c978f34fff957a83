/**
 * A request for an API key this build has no schema for, or a version outside the schema's
 * `validVersions`. The broker answers UNSUPPORTED_VERSION (ApiVersions) or closes the connection;
 * it never reaches a handler.
 */
export class UnsupportedVersionError extends Error {
  override readonly name = 'UnsupportedVersionError';
  readonly apiKey: number;
  readonly apiVersion: number;
  /** False when no schema exists for the key at all. */
  readonly knownApi: boolean;

  constructor(apiKey: number, apiVersion: number, knownApi: boolean) {
    super(
      knownApi
        ? `api key ${apiKey} does not support version ${apiVersion}`
        : `unknown api key ${apiKey} (version ${apiVersion})`,
    );
    this.apiKey = apiKey;
    this.apiVersion = apiVersion;
    this.knownApi = knownApi;
  }
}
