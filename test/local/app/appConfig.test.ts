import * as assert from "assert";
import { appConfig, appOrigin, appOverrides, contentSecurityPolicy } from "../../../local/app/appConfig";
import type { LocalOutputs } from "../../../local/localStack";

describe("the browser app's config (local/app/appConfig.ts)", () => {
  const app = appOrigin(5173);

  it("given a config with its own origins and URLs, when the app's overrides are made, then they are kept", () => {
    const config = {
      corsOrigins: ["http://localhost:3000"],
      oauthCallbackUrls: ["https://app.example.com/callback"],
    };
    assert.deepEqual(appOverrides(app, config), {
      corsOrigins: ["http://localhost:3000", "http://localhost:5173"],
      oauthCallbackUrls: ["https://app.example.com/callback", "http://localhost:5173/callback"],
      oauthLogoutUrls: ["http://localhost:5173/"],
    });
  });

  it("given --set values as JSON text that list the app, when overridden, then none repeats", () => {
    const overrides = appOverrides(app, { corsOrigins: '["http://localhost:5173"]' });
    assert.deepEqual(overrides.corsOrigins, ["http://localhost:5173"]);
  });

  it("given the outputs, when the CSP is made, then it allows the door, S3, the AWS endpoint and the pool only", () => {
    const outputs = {
      url: "http://127.0.0.1:3000/v1",
      local: {
        endpoints: { s3: "http://127.0.0.1:4000", aws: "http://127.0.0.1:3002", dynamodb: "http://127.0.0.1:4001" },
        idp: { tokenEndpoint: "http://127.0.0.1:3001/pool/oauth2/token" },
      },
    } as unknown as LocalOutputs;
    const csp = contentSecurityPolicy(outputs);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self';/);
    const origins = ["'self'", ...[3000, 4000, 3002, 3001].map((port) => `http://127.0.0.1:${port}`)];
    assert.match(csp, new RegExp(`connect-src ${origins.join(" ")};`));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|4001/);
  });

  it("given the iam door's outputs, when the app's config is made, then Amplify gets both pools, one endpoint", () => {
    const outputs = {
      authMode: "iam",
      url: "http://127.0.0.1:3000/v1",
      region: "us-east-1",
      client: {
        credential: { kind: "identity-pool-sigv4" },
        userPoolId: "us-east-1_pool",
        userPoolClientId: "spa",
        identityPoolId: "us-east-1:ids",
      },
      local: {
        endpoints: { s3: "http://127.0.0.1:4000", aws: "http://127.0.0.1:3002", dynamodb: "http://127.0.0.1:4001" },
        idp: {
          authorizeEndpoint: "http://127.0.0.1:3001/us-east-1_pool/oauth2/authorize",
          tokenEndpoint: "http://127.0.0.1:3001/us-east-1_pool/oauth2/token",
        },
        users: [],
      },
    } as unknown as LocalOutputs;
    const config = appConfig(outputs, app);
    assert.deepEqual(config.amplify, {
      userPoolId: "us-east-1_pool",
      userPoolClientId: "spa",
      identityPoolId: "us-east-1:ids",
      endpoint: "http://127.0.0.1:3002",
    });
  });

  it("given outputs listing an identity provider's stand-in, then the app gets its name and test users only", () => {
    const outputs = {
      authMode: "cognito",
      url: "http://127.0.0.1:3000/v1",
      client: {
        credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: false },
        userPoolClientId: "spa",
      },
      local: {
        endpoints: { s3: "http://127.0.0.1:4000", aws: "http://127.0.0.1:3002", dynamodb: "http://127.0.0.1:4001" },
        idp: {
          authorizeEndpoint: "http://127.0.0.1:3001/us-east-1_pool/oauth2/authorize",
          tokenEndpoint: "http://127.0.0.1:3001/us-east-1_pool/oauth2/token",
          identityProviders: [
            {
              name: "Corp",
              type: "OIDC",
              issuer: "http://127.0.0.1:3005",
              users: [{ email: "dana@corp.example", password: "pw", sub: "upstream-sub" }],
            },
          ],
        },
        users: [],
      },
    } as unknown as LocalOutputs;
    assert.deepEqual(appConfig(outputs, app).identityProviders, [
      { name: "Corp", users: [{ email: "dana@corp.example", password: "pw" }] },
    ]);
  });
});
