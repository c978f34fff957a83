/** Authentication: SASL mechanisms (server side), SCRAM credentials, principals. */
export { type JaasEntry, parseJaasConfig, plainUsersFromJaas } from './jaas.js';
export { type AwsAccessKey, type MskIamOptions, MskIamServer } from './msk-iam.js';
export { type PasswordLookup, PlainServer } from './plain.js';
export { distinguishedName, userPrincipal } from './principal.js';
export {
  isSupportedMechanism,
  MECHANISMS,
  type MechanismName,
  SaslAuthenticationError,
  SaslProtocolError,
  type SaslServer,
} from './sasl-mechanism.js';
export { type ScramLookup, ScramServer } from './scram.js';
export {
  credentialFromPassword,
  credentialFromSaltedPassword,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanism,
  saltPassword,
} from './scram-credential.js';
export { SCRAM_CREDENTIALS_FILE, ScramCredentialStore, ScramStoreError } from './scram-store.js';
