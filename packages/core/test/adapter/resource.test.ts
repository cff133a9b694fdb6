import { describe, expect, it } from 'vitest'
import { createResourceCache, createResourceFilter } from '../../src/index.ts'

// what NodeSDK's default detectors put into a resource
const SDK_RESOURCE = {
  'service.name': 'checkout',
  'service.version': '1.2.0',
  'service.instance.id': 'i-1',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
  'host.name': 'web-7',
  'host.arch': 'amd64',
  'process.pid': 4242,
  'process.command_args': ['/usr/bin/node', '/app/server.js'],
  'process.runtime.version': '20.19.0',
  'deployment.environment.name': 'prod',
  'os.type': 'linux',
}

describe('createResourceFilter', () => {
  it('keeps the service identity but its name, the deployment environment and process.pid by default', () => {
    // service.name and host.name have columns of their own (ServiceName, HostName)
    expect(createResourceFilter()(SDK_RESOURCE)).toEqual({
      'service.version': '1.2.0',
      'service.instance.id': 'i-1',
      'process.pid': 4242,
      'deployment.environment.name': 'prod',
    })
  })

  it("keeps everything with 'all' (the same object), and the names and prefixes it is given", () => {
    expect(createResourceFilter('all')(SDK_RESOURCE)).toBe(SDK_RESOURCE)
    expect(createResourceFilter(['telemetry.*', 'os.type'])(SDK_RESOURCE)).toEqual({
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'os.type': 'linux',
    })
    expect(createResourceFilter(['nothing.here'])(SDK_RESOURCE)).toBeUndefined()
    expect(createResourceFilter([])({})).toBeUndefined()
  })

  it('names a bad entry', () => {
    expect(() => createResourceFilter(['ok', ''])).toThrow(/"" is not a name/)
    expect(() => createResourceFilter('some' as never)).toThrow(/'all' or an array/)
  })
})

describe('createResourceCache', () => {
  it('writes the option, then the selected facts, which win over it', () => {
    const resource = createResourceCache({ 'service.name': 'x', region: 'eu' }, 'all')
    expect(resource('api', 'h', 1)).toEqual({ 'service.name': 'api', region: 'eu', 'host.name': 'h', 'process.pid': 1 })
    expect(createResourceCache(undefined)(undefined, undefined, undefined)).toBeUndefined()
    expect(createResourceCache({ region: 'eu' })('api', 'h', 1)).toEqual({ region: 'eu', 'process.pid': 1 })
    expect(createResourceCache({ region: 'eu' }, [])('api', 'h', 1)).toEqual({ region: 'eu' })
    expect(createResourceCache(undefined, ['host.name'])('api', 'h', 1)).toEqual({ 'host.name': 'h' })
  })

  it('hands consecutive records of one process the same object', () => {
    const resource = createResourceCache({ region: 'eu' })
    const a = resource('api', 'h', 1)
    expect(resource('api', 'h', 1)).toBe(a)
    expect(resource('api', 'h', 2)).toEqual({ region: 'eu', 'process.pid': 2 })
    expect(resource(undefined, undefined, undefined)).toEqual({ region: 'eu' })
  })
})
