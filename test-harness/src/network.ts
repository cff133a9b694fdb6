/**
 * Which names the emulator answers to and advertises: the bind address, a public host name for other containers,
 * the loopback names; and who may use the control API. Pure apart from reading the machine's own names.
 */
import { hostname, networkInterfaces } from 'node:os'
import { CONTROL_PREFIX } from './control.ts'

export const isWildcardHost = (host: string): boolean => host === '0.0.0.0' || host === '::'

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export const isLoopbackAddress = (address: string | undefined): boolean => {
  if (address === undefined) return false
  const a = address.toLowerCase().replace(/^::ffff:/, '')
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)
}

export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host)

/** The machine's host name and interface addresses: what another container may use to reach a wildcard bind. */
const machineNames = (): string[] => {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal && !(i.family === 'IPv6' && i.address.startsWith('fe80')))
    .map((i) => i!.address)
  return [hostname(), ...addresses]
}

export interface Addressing {
  /** Names for the server certificate, besides the loopback ones. */
  certificateNames: string[]
  /** The host put in advertised URLs (endpoint, authority, metadata). */
  advertisedHost: string
}

/**
 * `host` is the bind address; `publicHost` the name clients elsewhere use (a compose service name, say).
 * A wildcard bind also covers the machine's own names, so `https://<container-ip>:port` works without a public host.
 */
export const addressing = (host: string, publicHost: string | undefined): Addressing => {
  const wildcard = isWildcardHost(host)
  const names = new Set<string>()
  if (!wildcard) names.add(host)
  if (publicHost !== undefined) names.add(publicHost)
  if (wildcard) for (const n of machineNames()) names.add(n)
  const advertisedHost = publicHost ?? (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host)
  return { certificateNames: [...names], advertisedHost }
}

/**
 * The origin a request reached the emulator by, when its `Host` names one the certificate covers (so metadata read
 * through `localhost` points at `localhost`, and through the public host at the public host); else `fallback`.
 */
export const requestOrigin = (
  hostHeader: string | undefined,
  knownNames: ReadonlySet<string>,
  fallback: string,
): string => {
  if (hostHeader === undefined) return fallback
  let name: string
  try {
    name = new URL(`https://${hostHeader}`).hostname.replace(/^\[|\]$/g, '')
  } catch {
    return fallback
  }
  return knownNames.has(name.toLowerCase()) ? `https://${hostHeader}` : fallback
}

/**
 * Why a request is refused, or undefined when it may proceed: every path under `/_emulator/` (the control API and
 * the dashboard) is for loopback clients only unless remote control is allowed; other paths are for everyone.
 */
export const controlRefusal = (
  pathname: string,
  remoteAddress: string | undefined,
  allowRemote: boolean,
): string | undefined =>
  !pathname.startsWith(CONTROL_PREFIX) || allowRemote || isLoopbackAddress(remoteAddress)
    ? undefined
    : `The control API and dashboard (/_emulator/) answer loopback clients only, and this request came from ${remoteAddress ?? 'an unknown address'}. Start the emulator with --allow-remote-control (allowRemoteControl: true) to reach them from other machines or containers.`
