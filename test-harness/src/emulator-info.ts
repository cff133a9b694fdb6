/** What a client needs to connect to a running emulator, with every credential type; JSON-safe. Pure. */

/** A DCR the emulator serves. */
export interface EmulatorRule {
  /** The DCR's immutable id (`dcr-…`), the `{ruleId}` of the ingestion URL. */
  ruleId: string
  name: string
  kind?: string
  /** Streams that accept ingestion calls. */
  streams: string[]
  /** Ingestion endpoint for this DCR (the emulator's). */
  endpoint: string
}

/** `CredentialConfig` of `@dcr-logs/core` for the emulator's app registration and its client secret. */
export interface EmulatorCredentialConfig {
  type: 'clientSecret'
  tenantId: string
  clientId: string
  clientSecret: string
  authorityHost: string
  disableInstanceDiscovery: true
}

/** `CredentialConfig`s of `@dcr-logs/core` for every credential type the emulator serves. */
export interface EmulatorCredentialConfigs {
  clientSecret: EmulatorCredentialConfig
  clientCertificate: {
    type: 'clientCertificate'
    tenantId: string
    clientId: string
    certificatePath: string
    authorityHost: string
    disableInstanceDiscovery: true
  }
  /** Needs `managedIdentityEnv` or `imdsEnv` in `process.env` (MSAL reads them there). */
  managedIdentity: { type: 'managedIdentity'; clientId: string }
  workloadIdentity: {
    type: 'workloadIdentity'
    tenantId: string
    clientId: string
    tokenFilePath: string
    authorityHost: string
  }
}

/** The system-assigned managed identity and the two ways to reach it. */
export interface EmulatorManagedIdentity {
  clientId: string
  objectId: string
  resourceId: string
  /** App Service style: `IDENTITY_ENDPOINT`. */
  identityEndpoint: string
  /** App Service style: `IDENTITY_HEADER` (a secret, like the client secret). */
  identityHeader: string
  /** IMDS style: `AZURE_POD_IDENTITY_AUTHORITY_HOST`. */
  imdsEndpoint: string
}

/** The federated token the emulator issues for workload identity, and what the app registration trusts. */
export interface EmulatorWorkloadIdentity {
  /** A file holding a fresh federated token (`AZURE_FEDERATED_TOKEN_FILE`), rewritten before it expires. */
  tokenFile: string
  issuer: string
  subject: string
  audience: string
}

/** Environment variables per credential type, each complete for an app (`DCR_LOGS_*`, `AZURE_*`, CA). */
export interface EmulatorCredentialEnv {
  clientSecret: Record<string, string>
  clientCertificate: Record<string, string>
  workloadIdentity: Record<string, string>
  /** App Service style managed identity (what `DefaultAzureCredential` picks up with nothing else set). */
  managedIdentity: Record<string, string>
  /** IMDS style managed identity. */
  imds: Record<string, string>
}

/** Everything a client needs to connect; JSON-safe (what the CLI prints with `--json`). */
export interface EmulatorInfo {
  endpoint: string
  authorityHost: string
  tenantId: string
  clientId: string
  clientSecret: string
  /** PEM file with the app's client certificate and its private key (`ClientCertificateCredential`). */
  certificateFile: string
  caCertificate: string
  caFile: string
  rules: EmulatorRule[]
  credentialConfig: EmulatorCredentialConfig
  credentialConfigs: EmulatorCredentialConfigs
  managedIdentity: EmulatorManagedIdentity
  workloadIdentity: EmulatorWorkloadIdentity
  /** Client-secret environment: `DCR_LOGS_*`, `AZURE_*`, `NODE_EXTRA_CA_CERTS`. */
  env: Record<string, string>
  credentialEnv: EmulatorCredentialEnv
  controlEndpoint: string
}

export interface InfoInputs
  extends Pick<
    EmulatorInfo,
    | 'tenantId'
    | 'clientId'
    | 'clientSecret'
    | 'certificateFile'
    | 'caCertificate'
    | 'caFile'
    | 'rules'
    | 'workloadIdentity'
  > {
  origin: string
  controlPrefix: string
  managedIdentity: Omit<EmulatorManagedIdentity, 'identityEndpoint' | 'imdsEndpoint'>
  identityPath: string
}

export const buildInfo = (i: InfoInputs): EmulatorInfo => {
  const { origin, tenantId, clientId } = i
  const trust = { NODE_EXTRA_CA_CERTS: i.caFile }
  const dcr = {
    DCR_LOGS_ENDPOINT: origin,
    DCR_LOGS_RULE_ID: i.rules[0]!.ruleId,
    DCR_LOGS_STREAM_NAME: i.rules[0]!.streams[0] ?? '',
  }
  const app = { AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: clientId }
  const managedIdentity = { ...i.managedIdentity, identityEndpoint: `${origin}${i.identityPath}`, imdsEndpoint: origin }
  const clientSecret: EmulatorCredentialConfig = {
    type: 'clientSecret',
    tenantId,
    clientId,
    clientSecret: i.clientSecret,
    authorityHost: origin,
    disableInstanceDiscovery: true,
  }
  const env = { ...dcr, ...app, AZURE_CLIENT_SECRET: i.clientSecret, AZURE_AUTHORITY_HOST: origin, ...trust }
  return {
    endpoint: origin,
    authorityHost: origin,
    tenantId,
    clientId,
    clientSecret: i.clientSecret,
    certificateFile: i.certificateFile,
    caCertificate: i.caCertificate,
    caFile: i.caFile,
    rules: i.rules.map((r) => ({ ...r, streams: [...r.streams] })),
    credentialConfig: { ...clientSecret },
    credentialConfigs: {
      clientSecret,
      clientCertificate: {
        type: 'clientCertificate',
        tenantId,
        clientId,
        certificatePath: i.certificateFile,
        authorityHost: origin,
        disableInstanceDiscovery: true,
      },
      managedIdentity: { type: 'managedIdentity', clientId: managedIdentity.clientId },
      workloadIdentity: {
        type: 'workloadIdentity',
        tenantId,
        clientId,
        tokenFilePath: i.workloadIdentity.tokenFile,
        authorityHost: origin,
      },
    },
    managedIdentity,
    workloadIdentity: { ...i.workloadIdentity },
    env,
    credentialEnv: {
      clientSecret: { ...env },
      clientCertificate: {
        ...dcr,
        ...app,
        AZURE_CLIENT_CERTIFICATE_PATH: i.certificateFile,
        AZURE_AUTHORITY_HOST: origin,
        ...trust,
      },
      workloadIdentity: {
        ...dcr,
        ...app,
        AZURE_FEDERATED_TOKEN_FILE: i.workloadIdentity.tokenFile,
        AZURE_AUTHORITY_HOST: origin,
        ...trust,
      },
      managedIdentity: {
        ...dcr,
        IDENTITY_ENDPOINT: managedIdentity.identityEndpoint,
        IDENTITY_HEADER: managedIdentity.identityHeader,
        ...trust,
      },
      imds: { ...dcr, AZURE_POD_IDENTITY_AUTHORITY_HOST: origin, ...trust },
    },
    controlEndpoint: `${origin}${i.controlPrefix}`,
  }
}
