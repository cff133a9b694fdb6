/** Builds what a client needs to connect to a running emulator (`EmulatorInfo`), with every credential type. Pure. */
import type { EmulatorCredentialConfig, EmulatorInfo, EmulatorManagedIdentity } from './emulator-api.ts'

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
    | 'workspaces'
  > {
  /** The advertised origin (`https://{public host}:{port}`): every URL starts with it. */
  origin: string
  controlPrefix: string
  /** Path of the query API's base URL (`/v1` is added by clients, so it is left out). */
  queryPath: string
  dashboardPath: string
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
    queryEndpoint: `${origin}${i.queryPath}`,
    workspaceId: i.workspaces[0]?.workspaceId ?? '',
    workspaces: i.workspaces.map((w) => ({ ...w, tables: [...w.tables] })),
    dashboardUrl: `${origin}${i.dashboardPath}`,
  }
}
