import type { ConfigDef } from './definitions.js';

const INT32_MAX = String(2 ** 31 - 1);

/**
 * Listener security, SASL and connection-limit settings, with Kafka's names and defaults where
 * Kafka has them. `ssl.keystore.*` takes PEM only (ssl.keystore.type=PEM), as text or a file.
 * Per-listener overrides use Kafka's prefix: `listener.name.<listener>.ssl.client.auth`,
 * `listener.name.<listener>.<mechanism>.sasl.jaas.config`.
 */
export const SECURITY_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'listener.security.protocol.map',
    type: 'list',
    default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    doc: 'NAME:PROTOCOL pairs giving each listener name its security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).',
  },
  {
    name: 'ssl.keystore.type',
    type: 'string',
    default: 'PEM',
    oneOf: ['pem'],
    doc: 'Format of the key store; Kilgore reads PEM only (convert a JKS with keytool/openssl).',
  },
  {
    name: 'ssl.keystore.location',
    type: 'string',
    default: null,
    doc: 'A PEM file holding the private key and the certificate chain of TLS listeners.',
  },
  {
    name: 'ssl.keystore.certificate.chain',
    type: 'string',
    default: null,
    doc: 'The certificate chain in PEM, as text (instead of ssl.keystore.location).',
  },
  {
    name: 'ssl.keystore.key',
    type: 'string',
    default: null,
    doc: 'The private key in PEM, as text (instead of ssl.keystore.location).',
  },
  {
    name: 'ssl.key.password',
    type: 'string',
    default: null,
    doc: 'The password of an encrypted private key.',
  },
  {
    name: 'ssl.truststore.type',
    type: 'string',
    default: 'PEM',
    oneOf: ['pem'],
    doc: 'Format of the trust store; Kilgore reads PEM only.',
  },
  {
    name: 'ssl.truststore.location',
    type: 'string',
    default: null,
    doc: 'A PEM file of CA certificates that client certificates must chain to.',
  },
  {
    name: 'ssl.truststore.certificates',
    type: 'string',
    default: null,
    doc: 'CA certificates in PEM, as text (instead of ssl.truststore.location).',
  },
  {
    name: 'ssl.client.auth',
    type: 'string',
    default: 'none',
    oneOf: ['none', 'requested', 'required'],
    doc: 'Whether TLS listeners ask clients for a certificate: none, requested (optional) or required.',
  },
  {
    name: 'ssl.enabled.protocols',
    type: 'list',
    default: 'TLSv1.2,TLSv1.3',
    doc: 'TLS versions accepted.',
  },
  {
    name: 'sasl.enabled.mechanisms',
    type: 'list',
    default: 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    doc: 'SASL mechanisms offered on SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, AWS_MSK_IAM.',
  },
  {
    name: 'sasl.server.max.receive.size',
    type: 'int',
    default: '524288',
    min: 4,
    doc: 'Largest frame accepted before a client is authenticated (SASL listeners).',
  },
  {
    name: 'max.connections.per.ip',
    type: 'int',
    default: INT32_MAX,
    min: 0,
    doc: 'Connections one client address may hold open; more are closed at once.',
  },
  {
    name: 'max.connections',
    type: 'int',
    default: INT32_MAX,
    min: 0,
    doc: 'Connections the node holds open over all listeners; more are closed at once.',
  },
  {
    name: 'kilgore.request.read.timeout.ms',
    type: 'long',
    default: '30000',
    min: 1,
    doc: 'A request frame (or TLS handshake) not complete this long after its first byte closes the connection (slow-loris).',
  },
  {
    name: 'kilgore.sasl.users.file',
    type: 'string',
    default: null,
    doc: 'A properties file of user=password lines: PLAIN users, and SCRAM users without stored credentials.',
  },
  {
    name: 'kilgore.aws.msk.iam.credentials.file',
    type: 'string',
    default: null,
    doc: 'JSON {"<access key id>": {"secretAccessKey": "...", "principal": "alice"}} for AWS_MSK_IAM.',
  },
  {
    name: 'kilgore.aws.msk.iam.hosts',
    type: 'list',
    default: null,
    doc: "Host names AWS_MSK_IAM clients may sign besides the listener's own (advertised and bound).",
  },
  {
    name: 'inter.broker.listener.name',
    type: 'string',
    default: null,
    doc: 'The listener nodes reach each other on for chain replication (its protocol, TLS and SASL apply). Default: the listener of security.inter.broker.protocol, else the first listener.',
  },
  {
    name: 'security.inter.broker.protocol',
    type: 'string',
    default: null,
    oneOf: ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'],
    doc: 'Security protocol between nodes: the first listener with it is used. Not with inter.broker.listener.name.',
  },
  {
    name: 'sasl.mechanism.inter.broker.protocol',
    type: 'string',
    default: 'PLAIN',
    doc: 'SASL mechanism a node authenticates to other nodes with (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); its credentials are the username and password options of listener.name.<listener>.<mechanism>.sasl.jaas.config.',
  },
  {
    name: 'ssl.endpoint.identification.algorithm',
    type: 'string',
    default: 'https',
    doc: 'https: a node checks that the certificate of the node it connects to names its host; empty: the chain of trust only.',
  },
];
