'use strict';
// CommonJS entry. The package is ESM; everything a test needs first is async (startBroker), so the
// ESM build is loaded on first call with import(), which works from require() on every Node >= 20.
const load = () => import('../dist/index.js');

/** Starts a broker in this process; resolves once it accepts requests. */
exports.startBroker = async (options) => (await load()).startBroker(options);
/** The whole ESM module (ApiKey, ErrorCode, TestBroker), for what is not async. */
exports.load = load;
