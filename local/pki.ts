import { X509Certificate, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import forge from "node-forge";

/**
 * The test PKI of local mode's mutual TLS, made with node-forge once per data folder
 * (`<dataDir>/pki/`) and kept while its certificates are valid:
 * - a server CA, and the gateway's server certificate for 127.0.0.1 and localhost that it signed
 *   (clients trust the server CA: `curl --cacert server-ca.pem`); AWS serves the domain's ACM
 *   certificate instead, which a public CA signs;
 * - a clients CA, whose certificate is the truststore bundle local mode puts at the recorded
 *   truststore URI, and the certificate and key of a test machine that it issued;
 * - the certificate and key of a machine of another CA, which no truststore holds.
 * Private keys of the CAs are not kept: nothing else is issued.
 */
export interface TestPki {
  dir: string;
  /** The server CA's certificate: what a client trusts for the local door's server certificate. */
  serverCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** The clients CA's certificate: the truststore bundle. */
  clientsCaFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Another CA, which no truststore of local mode holds, and a client certificate it issued. */
  otherCaFile: string;
  otherCertFile: string;
  otherKeyFile: string;
}

const FILES = {
  serverCaFile: "server-ca.pem",
  serverCertFile: "server.pem",
  serverKeyFile: "server-key.pem",
  clientsCaFile: "clients-ca.pem",
  clientCertFile: "client.pem",
  clientKeyFile: "client-key.pem",
  otherCaFile: "other-ca.pem",
  otherCertFile: "other-client.pem",
  otherKeyFile: "other-client-key.pem",
} as const;

/** The names the test PKI gives its certificates (subjects, in the order they are encoded). */
export const PKI_NAMES = {
  org: "notes-auth local",
  serverCa: "notes-auth local server CA",
  clientsCa: "notes-auth local clients CA",
  otherCa: "notes-auth local other CA",
  machine: "reporting-job",
} as const;

const DAY = 24 * 3600 * 1000;

type Name = forge.pki.CertificateField[];
const name = (cn: string, unit?: string): Name => [
  { shortName: "C", value: "US" },
  { shortName: "O", value: PKI_NAMES.org },
  ...(unit ? [{ shortName: "OU", value: unit }] : []),
  { shortName: "CN", value: cn },
];

interface Issued {
  cert: forge.pki.Certificate;
  keys: forge.pki.rsa.KeyPair;
}

/**
 * A certificate: 16 random bytes of serial (RFC 5280 asks for at most 20, CAs use at least 8;
 * the first byte kept below 0x80 so the DER integer is positive without a leading zero), SHA-256,
 * a CA's or a leaf's extensions.
 */
function issue(
  subject: Name,
  opts: { issuer?: Issued; ca?: boolean; usage?: "serverAuth" | "clientAuth"; altNames?: object[]; days: number },
): Issued {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x10;
  cert.serialNumber = serial.toString("hex");
  cert.publicKey = keys.publicKey;
  cert.validity.notBefore = new Date(Date.now() - 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + opts.days * DAY);
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : subject);
  cert.setExtensions(
    opts.ca
      ? [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
          { name: "subjectKeyIdentifier" },
        ]
      : [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", [opts.usage!]: true },
          ...(opts.altNames ? [{ name: "subjectAltName", altNames: opts.altNames }] : []),
          { name: "subjectKeyIdentifier" },
          {
            name: "authorityKeyIdentifier",
            keyIdentifier: opts.issuer!.cert.generateSubjectKeyIdentifier().getBytes(),
          },
        ],
  );
  cert.sign((opts.issuer ?? { keys }).keys.privateKey, forge.md.sha256.create());
  return { cert, keys };
}

const pemOf = (i: Issued) => ({
  cert: forge.pki.certificateToPem(i.cert),
  key: forge.pki.privateKeyToPem(i.keys.privateKey),
});

function paths(dir: string): TestPki {
  return { dir, ...Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, path.join(dir, f)])) } as TestPki;
}

/** The PKI in `dir` if every file is there and each certificate is valid for another day. */
function existing(dir: string): TestPki | undefined {
  const pki = paths(dir);
  try {
    for (const file of Object.keys(FILES)
      .filter((k) => !k.endsWith("KeyFile"))
      .map((k) => pki[k as keyof typeof FILES])) {
      if (new Date(new X509Certificate(fs.readFileSync(file)).validTo).getTime() < Date.now() + DAY) return undefined;
    }
    for (const k of Object.keys(FILES).filter((f) => f.endsWith("KeyFile")))
      fs.accessSync(pki[k as keyof typeof FILES]);
  } catch {
    return undefined;
  }
  return pki;
}

/** The test PKI in `dir` (e.g. `<dataDir>/pki`), made there unless a valid one is. */
export function ensureTestPki(dir: string): TestPki {
  const found = existing(dir);
  if (found) return found;
  fs.mkdirSync(dir, { recursive: true });
  const serverCa = issue(name(PKI_NAMES.serverCa), { ca: true, days: 3650 });
  const server = issue(name("127.0.0.1"), {
    issuer: serverCa,
    usage: "serverAuth",
    altNames: [
      { type: 7, ip: "127.0.0.1" },
      { type: 2, value: "localhost" },
    ],
    days: 365,
  });
  const clientsCa = issue(name(PKI_NAMES.clientsCa), { ca: true, days: 3650 });
  const client = issue(name(PKI_NAMES.machine, "machines"), { issuer: clientsCa, usage: "clientAuth", days: 365 });
  const otherCa = issue(name(PKI_NAMES.otherCa), { ca: true, days: 3650 });
  // The same subject as the trusted machine's: only the issuer differs.
  const other = issue(name(PKI_NAMES.machine, "machines"), { issuer: otherCa, usage: "clientAuth", days: 365 });
  const pki = paths(dir);
  const write = (file: string, text: string, secret = false) =>
    fs.writeFileSync(file, text, { mode: secret ? 0o600 : 0o644 });
  write(pki.serverCaFile, pemOf(serverCa).cert);
  write(pki.serverCertFile, pemOf(server).cert);
  write(pki.serverKeyFile, pemOf(server).key, true);
  write(pki.clientsCaFile, pemOf(clientsCa).cert);
  write(pki.clientCertFile, pemOf(client).cert);
  write(pki.clientKeyFile, pemOf(client).key, true);
  write(pki.otherCaFile, pemOf(otherCa).cert);
  write(pki.otherCertFile, pemOf(other).cert);
  write(pki.otherKeyFile, pemOf(other).key, true);
  return pki;
}
