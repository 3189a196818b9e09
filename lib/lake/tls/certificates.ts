/**
 * A local certificate authority and a server certificate for the lake's HTTPS/HTTP2 port.
 *
 * Browsers need HTTP/2 for the Studio (it keeps more live event streams than HTTP/1.1 allows per
 * host), and browsers only speak HTTP/2 over TLS. So on first start we create a CA valid for ten years
 * (the one thing a person trusts once, see the lake's home page) and a server certificate signed by
 * it for localhost, <projectId>.localhost, 127.0.0.1 and ::1. Both live in `<dataDir>/certs/`
 * (keys 0600) and are reused; the server certificate is re-issued when it nears expiry or does not
 * cover the current project id, the CA only when it nears expiry itself.
 *
 * Keys come from node:crypto (native, fast); node-forge only assembles and signs the X.509 certificates.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import forge from 'node-forge'
import {CA_CERT_DAYS, CERT_RENEW_BEFORE_DAYS, SERVER_CERT_DAYS} from '../config'

export interface LakeCertificates {
  caCertPath: string
  caCertPem: string
  serverCertPem: string
  serverKeyPem: string
}

const DAY_MS = 24 * 60 * 60 * 1000

export function ensureCertificates(dataDir: string, projectId: string): LakeCertificates {
  const dir = path.join(dataDir, 'certs')
  fs.mkdirSync(dir, {recursive: true, mode: 0o700})
  const files = {
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
  }
  const hostnames = ['localhost', `${projectId}.localhost`]
  const addresses = ['127.0.0.1', '::1']

  let ca = readPair(files.caCert, files.caKey)
  let caRenewed = false
  if (!ca || expiresSoon(ca.cert)) {
    ca = createCa()
    writePair(files.caCert, files.caKey, ca)
    caRenewed = true
  }

  let server = readPair(files.serverCert, files.serverKey)
  if (!server || caRenewed || expiresSoon(server.cert) || !covers(server.cert, hostnames) || !issuedBy(server.cert, ca.cert)) {
    server = createServerCert(ca, hostnames, addresses)
    writePair(files.serverCert, files.serverKey, server)
  }

  return {
    caCertPath: files.caCert,
    caCertPem: forge.pki.certificateToPem(ca.cert),
    serverCertPem: forge.pki.certificateToPem(server.cert),
    serverKeyPem: server.keyPem,
  }
}

interface CertAndKey {
  cert: forge.pki.Certificate
  keyPem: string
}

function readPair(certFile: string, keyFile: string): CertAndKey | null {
  try {
    return {cert: forge.pki.certificateFromPem(fs.readFileSync(certFile, 'utf8')), keyPem: fs.readFileSync(keyFile, 'utf8')}
  } catch {
    return null
  }
}

function writePair(certFile: string, keyFile: string, pair: CertAndKey) {
  fs.writeFileSync(keyFile, pair.keyPem, {mode: 0o600})
  fs.chmodSync(keyFile, 0o600)
  fs.writeFileSync(certFile, forge.pki.certificateToPem(pair.cert), {mode: 0o644})
}

function expiresSoon(cert: forge.pki.Certificate): boolean {
  return cert.validity.notAfter.getTime() - Date.now() < CERT_RENEW_BEFORE_DAYS * DAY_MS
}

function covers(cert: forge.pki.Certificate, hostnames: string[]): boolean {
  const ext = cert.getExtension('subjectAltName') as {altNames?: {type: number; value?: string}[]} | null
  const names = new Set((ext?.altNames ?? []).filter((n) => n.type === 2).map((n) => n.value))
  return hostnames.every((h) => names.has(h))
}

function issuedBy(cert: forge.pki.Certificate, ca: forge.pki.Certificate): boolean {
  try {
    return ca.verify(cert)
  } catch {
    return false
  }
}

function newKeyPair() {
  const {privateKey, publicKey} = crypto.generateKeyPairSync('rsa', {modulusLength: 2048})
  const keyPem = privateKey.export({type: 'pkcs8', format: 'pem'}).toString()
  return {
    keyPem,
    forgePrivate: forge.pki.privateKeyFromPem(keyPem),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({type: 'spki', format: 'pem'}).toString()),
  }
}

function baseCert(publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = publicKey
  // Positive 16-byte serial: a leading 0x01..0x7f byte keeps it from being read as negative.
  cert.serialNumber = '01' + crypto.randomBytes(15).toString('hex')
  cert.validity.notBefore = new Date(Date.now() - DAY_MS)
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS)
  return cert
}

function createCa(): CertAndKey {
  const keys = newKeyPair()
  const cert = baseCert(keys.forgePublic, CA_CERT_DAYS)
  const subject = [
    {name: 'commonName', value: 'Dispatch local Content Lake CA'},
    {name: 'organizationName', value: 'Dispatch (local development)'},
  ]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    {name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true},
    {name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true},
    {name: 'subjectKeyIdentifier'},
  ])
  cert.sign(keys.forgePrivate, forge.md.sha256.create())
  return {cert, keyPem: keys.keyPem}
}

function createServerCert(ca: CertAndKey, hostnames: string[], addresses: string[]): CertAndKey {
  const keys = newKeyPair()
  const cert = baseCert(keys.forgePublic, SERVER_CERT_DAYS)
  cert.setSubject([{name: 'commonName', value: 'localhost'}])
  cert.setIssuer(ca.cert.subject.attributes)
  cert.setExtensions([
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
    {name: 'extKeyUsage', serverAuth: true},
    {
      name: 'subjectAltName',
      altNames: [...hostnames.map((value) => ({type: 2, value})), ...addresses.map((ip) => ({type: 7, ip}))],
    },
    {name: 'subjectKeyIdentifier'},
  ])
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create())
  return {cert, keyPem: keys.keyPem}
}
