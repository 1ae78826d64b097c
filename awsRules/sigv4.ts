import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

/**
 * The headers a browser sends with a SigV4-signed JSON write made the way AWS's own signer makes
 * it (temporary credentials, as from a Cognito identity pool): learnt by signing one, not listed
 * by hand. https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
export async function sigv4BrowserRequestHeaders(): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: "execute-api",
    region: "us-east-1",
    credentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "example", sessionToken: "example" },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "PUT",
    protocol: "https:",
    hostname: "api.example.com",
    path: "/v1/notes/1",
    headers: { host: "api.example.com", "content-type": "application/json", "if-match": '"1"' },
    body: "{}",
  });
  return signed.headers as Record<string, string>;
}
