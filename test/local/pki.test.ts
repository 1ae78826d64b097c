import * as assert from "assert";
import { X509Certificate } from "crypto";
import * as fs from "fs";
import { ensureTestPki } from "../../local/pki";
import { testPki } from "../support/localStack";

describe("local mode's test PKI (mutual TLS)", () => {
  const cert = (file: string) => new X509Certificate(fs.readFileSync(file));

  it(
    "given a folder, when the PKI is made, then the test machine's certificate is the clients CA's, the " +
      "other one another CA's with the same subject, and the server's covers 127.0.0.1 and localhost under the " +
      "server CA",
    () => {
      const pki = testPki();
      const [clientsCa, client, otherCa, other, serverCa, server] = [
        pki.clientsCaFile,
        pki.clientCertFile,
        pki.otherCaFile,
        pki.otherCertFile,
        pki.serverCaFile,
        pki.serverCertFile,
      ].map(cert);
      assert.ok(
        client.checkIssued(clientsCa) && client.verify(clientsCa.publicKey),
        "the machine's certificate is signed by the clients CA",
      );
      assert.ok(
        !other.checkIssued(clientsCa) && other.checkIssued(otherCa) && other.verify(otherCa.publicKey),
        "the other certificate is another CA's",
      );
      assert.equal(other.subject, client.subject);
      assert.ok(clientsCa.ca && otherCa.ca && serverCa.ca && !client.ca);
      assert.ok(server.checkIssued(serverCa) && server.checkIP("127.0.0.1") && server.checkHost("localhost"));
      assert.deepEqual(client.keyUsage, ["1.3.6.1.5.5.7.3.2"], "client authentication");
    },
  );

  it("given a PKI in the folder, when local mode starts again, then it is reused as it is", () => {
    const pki = testPki();
    const before = fs.readFileSync(pki.clientCertFile, "utf8");
    assert.deepEqual(ensureTestPki(pki.dir), pki);
    assert.equal(fs.readFileSync(pki.clientCertFile, "utf8"), before);
  });
});
