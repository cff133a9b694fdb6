import { describe, expect, it } from 'vitest'
import { CliUsageError, parseCliArgs } from '../src/cli-args.ts'

describe('parseCliArgs', () => {
  it('maps flags to target options', () => {
    const { options, settings } = parseCliArgs([
      '--endpoint',
      'https://x.ingest.monitor.azure.com',
      '--rule-id',
      'dcr-0123',
      '--stream-name',
      'Custom-AppLogs',
      '--service-name',
      'api',
      '--linger-ms',
      '250',
      '--custom-levels',
      'notice=35, audit=45',
      '--severity',
      'audit=10',
      '--resource',
      'deployment.environment=prod',
      '--resource',
      'team=core=platform',
      '-p',
    ])
    expect(options).toEqual({
      endpoint: 'https://x.ingest.monitor.azure.com',
      ruleId: 'dcr-0123',
      streamName: 'Custom-AppLogs',
      serviceName: 'api',
      lingerMs: 250,
      customLevels: { notice: 35, audit: 45 },
      severityNumbers: { audit: 10 },
      resource: { 'deployment.environment': 'prod', team: 'core=platform' },
    })
    expect(settings).toMatchObject({ passthrough: true, quiet: false, help: false, configFile: undefined })
  })

  it('leaves connection settings out when not given, so the environment applies', () => {
    expect(parseCliArgs([]).options).toEqual({})
  })

  it('builds credential configs without secrets on the command line', () => {
    expect(parseCliArgs(['--credential', 'managedIdentity', '--client-id', 'abc']).options.credential).toEqual({
      type: 'managedIdentity',
      clientId: 'abc',
    })
    expect(parseCliArgs(['--credential', 'default', '--client-id', 'abc']).options.credential).toEqual({
      type: 'default',
      managedIdentityClientId: 'abc',
    })
    expect(() => parseCliArgs(['--credential', 'clientSecret'])).toThrow(/AZURE_CLIENT_SECRET/)
    expect(() => parseCliArgs(['--client-id', 'abc'])).toThrow(/need --credential/)
  })

  it('explains bad input', () => {
    expect(() => parseCliArgs(['--linger-ms', 'soon'])).toThrow(
      new CliUsageError('--linger-ms expects a whole number (got "soon")'),
    )
    expect(() => parseCliArgs(['--nope'])).toThrow(CliUsageError)
    expect(() => parseCliArgs(['--custom-levels', 'notice'])).toThrow(/label=number/)
    expect(() => parseCliArgs(['--severity', 'audit=0'])).toThrow(/label=number/)
    expect(() => parseCliArgs(['--resource', 'novalue'])).toThrow(/key=value/)
    expect(() => parseCliArgs(['stray'])).toThrow(CliUsageError)
  })
})
