import * as assert from "assert";
import { claimSignature, padHex, srpChallenge, srpPoolName } from "../../../../local/services/userPool/srp";

// The official client's SRP helper: exported by the package, absent from its type declarations.
const { AuthenticationHelper, DateHelper } = require("amazon-cognito-identity-js");

/** The key the official client derives for B and salt (its callback API, as a promise). */
function clientKey(helper: any, userId: string, password: string, B: string, salt: string): Promise<Buffer> {
  const BigInteger = helper.N.constructor;
  return new Promise((resolve, reject) =>
    helper.getPasswordAuthenticationKey(
      userId,
      password,
      new BigInteger(B, 16),
      new BigInteger(salt, 16),
      (err: Error | null, key: Buffer) => (err ? reject(err) : resolve(Buffer.from(key))),
    ),
  );
}

const largeA = (helper: any): Promise<string> =>
  new Promise((resolve, reject) =>
    helper.getLargeAValue((err: Error | null, A: any) => (err ? reject(err) : resolve(A.toString(16)))),
  );

describe("the local user pool's SRP (Cognito's variant)", () => {
  it("given integers with and without the high bit set, when padded, then they match the client's padHex", () => {
    const helper = new AuthenticationHelper("pool");
    const BigInteger = helper.N.constructor;
    for (const hex of ["1", "7f", "80", "ff", "100", "8000", "abc", helper.N.toString(16)])
      assert.equal(padHex(BigInt(`0x${hex}`)), helper.padHex(new BigInteger(hex, 16)), hex);
  });

  it(
    "given the official client's A, when the server answers with B and a salt, then both derive the same key, " +
      "and the client's claim signature is the one the server expects",
    async function () {
      this.timeout(60000);
      const poolName = srpPoolName("us-east-1_userspool");
      assert.equal(poolName, "userspool");
      // A few rounds: fresh A, B, salt and u each time (padHex's two cases are checked above on fixed values).
      for (let i = 0; i < 4; i++) {
        const helper = new AuthenticationHelper(poolName);
        const challenge = srpChallenge(poolName, "alice", "Alice-Passw0rd!", await largeA(helper));
        const key = await clientKey(helper, "alice", "Alice-Passw0rd!", challenge.B, challenge.salt);
        assert.equal(key.toString("hex"), challenge.key.toString("hex"), `round ${i}`);
        const secretBlock = Buffer.from(`block ${i}`).toString("base64");
        const timestamp = new DateHelper().getNowString();
        assert.equal(
          claimSignature(key, poolName, "alice", secretBlock, timestamp),
          claimSignature(challenge.key, poolName, "alice", secretBlock, timestamp),
        );
      }
    },
  );

  it("given a wrong password, when the client derives its key, then it differs from the server's", async () => {
    const helper = new AuthenticationHelper("userspool");
    const challenge = srpChallenge("userspool", "alice", "Alice-Passw0rd!", await largeA(helper));
    const key = await clientKey(helper, "alice", "Wrong-Passw0rd!", challenge.B, challenge.salt);
    assert.notEqual(key.toString("hex"), challenge.key.toString("hex"));
  });

  it("given an A that is 0 mod N, when the server is asked for a challenge, then it refuses", () => {
    const N = new AuthenticationHelper("p").N.toString(16);
    assert.throws(() => srpChallenge("p", "alice", "x", N), /SRP_A mod N is 0/);
  });
});
