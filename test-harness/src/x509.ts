/**
 * Builds X.509 v3 certificates: the ASN.1 structures come from @peculiar/asn1-x509 (the PKI.js maintainers' schema
 * library), the signature from Node's crypto. One job: a spec in, a PEM certificate out.
 */
import { createHash, type KeyObject, randomBytes, sign, type X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509'

export { KeyUsageFlags }

/** Extended key usages the emulator issues. */
export const EXTENDED_KEY_USAGE = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const

export interface CertificateSpec {
  commonName: string
  organization?: string
  /** The key the certificate certifies. */
  publicKey: KeyObject
  /** The issuer's private key (the subject's own for a self-signed certificate). */
  signingKey: KeyObject
  /** The issuer's certificate; omitted for a self-signed one. */
  issuer?: X509Certificate
  notBefore: Date
  notAfter: Date
  /** Makes a CA certificate that may sign end-entity certificates only (path length 0). */
  ca?: boolean
  /** `KeyUsageFlags` or-ed together. */
  keyUsage: number
  extendedKeyUsage?: readonly string[]
  /** DNS names and IP addresses (v4 or v6). */
  subjectAltNames?: readonly string[]
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
}

const toArrayBuffer = (b: Uint8Array): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

const name = (commonName: string, organization: string | undefined): Name => {
  const rdn = (type: string, value: string): RelativeDistinguishedName =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ])
  return new Name([
    rdn(OID.commonName, commonName),
    ...(organization === undefined ? [] : [rdn(OID.organization, organization)]),
  ])
}

const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' })

/** Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
export const keyIdentifier = (publicKey: KeyObject): Buffer => {
  const info = AsnConvert.parse(spki(publicKey), SubjectPublicKeyInfo)
  return createHash('sha1').update(Buffer.from(info.subjectPublicKey)).digest()
}

/** The signature algorithm for a signing key: ECDSA P-256 or RSA, both with SHA-256. */
const signatureAlgorithm = (key: KeyObject): AlgorithmIdentifier => {
  if (key.asymmetricKeyType === 'ec') return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 })
  if (key.asymmetricKeyType === 'rsa')
    return new AlgorithmIdentifier({ algorithm: OID.sha256WithRsa, parameters: null })
  throw new TypeError(`Unsupported signing key type '${key.asymmetricKeyType}': use an EC P-256 or an RSA key.`)
}

const extension = (extnID: string, critical: boolean, value: unknown): Extension =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) })

const generalName = (n: string): GeneralName =>
  isIP(n) === 0 ? new GeneralName({ dNSName: n }) : new GeneralName({ iPAddress: n })

/** A random positive 128-bit serial number. */
const serialNumber = (): ArrayBuffer => {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0]! & 0x7f) | 0x01 // positive and no leading zero byte
  return toArrayBuffer(bytes)
}

const toPem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END CERTIFICATE-----\n`

/** Builds and signs a certificate; returns its PEM. */
export const buildCertificate = (spec: CertificateSpec): string => {
  const subject = name(spec.commonName, spec.organization)
  // The issuer name must be the issuer's subject, as encoded in its certificate.
  const issuer =
    spec.issuer === undefined ? subject : AsnConvert.parse(spec.issuer.raw, Certificate).tbsCertificate.subject
  const issuerKeyId = keyIdentifier(spec.issuer?.publicKey ?? spec.publicKey)
  const algorithm = signatureAlgorithm(spec.signingKey)
  const extensions = [
    extension(
      id_ce_basicConstraints,
      true,
      spec.ca === true ? new BasicConstraints({ cA: true, pathLenConstraint: 0 }) : new BasicConstraints(),
    ),
    extension(id_ce_keyUsage, true, new KeyUsage(spec.keyUsage)),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spec.publicKey))),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuerKeyId) }),
    ),
  ]
  if (spec.extendedKeyUsage !== undefined && spec.extendedKeyUsage.length > 0) {
    extensions.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([...spec.extendedKeyUsage])))
  }
  if (spec.subjectAltNames !== undefined && spec.subjectAltNames.length > 0) {
    extensions.push(
      extension(id_ce_subjectAltName, false, new SubjectAlternativeName(spec.subjectAltNames.map(generalName))),
    )
  }
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: algorithm,
    issuer,
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(spki(spec.publicKey), SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  })
  const tbs = Buffer.from(AsnConvert.serialize(tbsCertificate))
  const signature = sign('sha256', tbs, { key: spec.signingKey, dsaEncoding: 'der' })
  const certificate = new Certificate({
    tbsCertificate,
    signatureAlgorithm: algorithm,
    signatureValue: toArrayBuffer(signature),
  })
  return toPem(Buffer.from(AsnConvert.serialize(certificate)))
}

/** Thumbprints of a certificate as Entra shows and MSAL sends them (`x5t`: SHA-1, `x5t#S256`: SHA-256), base64url. */
export const thumbprints = (certificate: X509Certificate): { x5t: string; x5tS256: string } => ({
  x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
  x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
})
