import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../../components/routes";
import { StackRun, ofType, one, runMode } from "../../support/stack";
import { doorConfig } from "../../../components/doors/registry";
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";
import { headersNotAllowed, preflightRequestHeaders } from "../../../awsRules/cors";

describe("HttpJwtFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode http-jwt with the stack's pool and a machine client
    run = await runMode("http-jwt", { m2mClient: true });
  });

  it("has a JWT authorizer on the Authorization header, issued by this pool, for our clients only", () => {
    const a = one(run, "aws:apigatewayv2/authorizer:Authorizer").inputs;
    assert.equal(a.authorizerType, "JWT");
    assert.deepEqual(a.identitySources, ["$request.header.Authorization"]);
    assert.equal(a.jwtConfiguration.issuer, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool");
    assert.deepEqual(a.jwtConfiguration.audiences, ["users-spa-client-id", "door-machine-client-client-id"]);
  });

  it("authorizes every route with JWT and explicit, non-empty scopes; /admin needs notes/admin", () => {
    const routes = ofType(run, "aws:apigatewayv2/route:Route");
    assert.deepEqual(
      routes.map((r) => r.inputs.routeKey).sort(),
      routeKeys(API_ROUTES)
        .map((k) => `${k.method} ${k.path}`)
        .sort(),
    );
    for (const r of routes) {
      assert.equal(r.inputs.authorizationType, "JWT", r.name);
      assert.equal(r.inputs.authorizerId, "door-jwt-id", r.name);
      assert.ok(
        Array.isArray(r.inputs.authorizationScopes) && r.inputs.authorizationScopes.length > 0,
        `${r.name} has scopes`,
      );
    }
    const admin = routes.find((r) => r.inputs.routeKey === "GET /admin/stats")!;
    assert.deepEqual(admin.inputs.authorizationScopes, ["notes/admin"]);
    assert.deepEqual(routes.find((r) => r.inputs.routeKey === "POST /notes")!.inputs.authorizationScopes, [
      "notes/write",
    ]);
    assert.ok(
      !routes.some((r) => r.inputs.routeKey.startsWith("OPTIONS") || r.inputs.routeKey === "$default"),
      "preflight is answered by the API's CORS config",
    );
  });

  it("proxies to the notes function with payload 2.0", () => {
    const i = one(run, "aws:apigatewayv2/integration:Integration").inputs;
    assert.equal(i.integrationType, "AWS_PROXY");
    assert.equal(i.payloadFormatVersion, "2.0");
    assert.equal(i.integrationUri, "arn:aws:lambda:us-east-1:123456789012:function:notes-api:live");
  });

  it("auto-deploys a $default stage with access logs and route throttling", () => {
    const s = one(run, "aws:apigatewayv2/stage:Stage").inputs;
    assert.equal(s.name, "$default");
    assert.equal(s.autoDeploy, true);
    assert.match(s.accessLogSettings.destinationArn, /log-group:door-access-logs$/);
    assert.equal(s.defaultRouteSettings.throttlingRateLimit, 50);
    assert.equal(s.defaultRouteSettings.throttlingBurstLimit, 100);
  });

  it("allows explicit CORS origins only, without credentials", () => {
    const cors = one(run, "aws:apigatewayv2/api:Api").inputs.corsConfiguration;
    assert.deepEqual(cors.allowOrigins, ["https://app.example.com"]);
    assert.equal(cors.allowCredentials, false);
    assert.deepEqual(
      headersNotAllowed(
        cors.allowHeaders.join(","),
        preflightRequestHeaders({ authorization: "Bearer t", "content-type": "application/json", "if-match": '"1"' }),
      ),
      [],
    );
    assert.deepEqual(
      cors.exposeHeaders,
      ["etag", "location", "retry-after"],
      "a browser can read ETag, Location and Retry-After (a 503 says when to retry)",
    );
  });

  it("defines the notes scopes and a client-credentials machine client without admin", () => {
    const rs = one(run, "aws:cognito/resourceServer:ResourceServer").inputs;
    assert.equal(rs.identifier, "notes");
    assert.deepEqual(
      rs.scopes.map((s: any) => s.scopeName),
      ["read", "write", "admin"],
    );
    const m2m = one(run, "aws:cognito/userPoolClient:UserPoolClient", "door-machine-client").inputs;
    assert.deepEqual(m2m.allowedOauthFlows, ["client_credentials"]);
    assert.equal(m2m.generateSecret, true);
    assert.deepEqual(m2m.allowedOauthScopes, ["notes/read", "notes/write"]);
  });

  it("exports the token endpoint and scopes, and the machine secret only as a secret", () => {
    assert.equal(
      run.outputs.client.tokenEndpoint,
      "https://notes-auth-test-123456789012.auth.us-east-1.amazoncognito.com/oauth2/token",
    );
    assert.equal(run.outputs.client.issuer, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool");
    assert.equal(run.outputs.client.routeScopes["GET /admin/stats"], "notes/admin");
    assert.deepEqual(run.outputs.secrets, { secret: true, keys: ["machineClientSecret"] });
  });

  it("tells the handler its audiences and the admin scope", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "http-jwt");
    assert.equal(env.ALLOWED_CLIENT_IDS, "users-spa-client-id,door-machine-client-client-id");
    assert.equal(env.ADMIN_SCOPE, "notes/admin");
    assert.equal(env.COGNITO_ISSUER, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool");
  });

  it("lets only this API invoke the function", () => {
    const p = one(run, "aws:lambda/permission:Permission").inputs;
    assert.equal(p.principal, "apigateway.amazonaws.com");
    assert.equal(p.sourceArn, "arn:aws:execute-api:us-east-1:123456789012:door-api-http-jwt-id/*/*");
  });

  describe("with an external issuer, and the user pool removed (keepUserPool: false)", () => {
    let ext: StackRun;
    before(async () => {
      ext = await runMode("http-jwt", {
        keepUserPool: false,
        jwtIssuer: "https://login.example.com/",
        jwtAudiences: ["notes-api"],
        groupsClaim: "https://example.com/groups",
      });
    });
    it("creates no user pool and trusts the configured issuer and audience", () => {
      assert.equal(ofType(ext, "aws:cognito/userPool:UserPool").length, 0);
      assert.equal(ofType(ext, "aws:cognito/userPoolClient:UserPoolClient").length, 0);
      const a = one(ext, "aws:apigatewayv2/authorizer:Authorizer").inputs;
      assert.equal(a.jwtConfiguration.issuer, "https://login.example.com/");
      assert.deepEqual(a.jwtConfiguration.audiences, ["notes-api"]);
      const env = one(ext, "aws:lambda/function:Function").inputs.environment.variables;
      assert.equal(env.ALLOWED_CLIENT_IDS, "notes-api");
      assert.equal(env.COGNITO_ISSUER, undefined);
    });
    it("tells the handler the issuer's groups claim (groupsClaim), and the stack's pool run none", () => {
      assert.equal(
        one(ext, "aws:lambda/function:Function").inputs.environment.variables.GROUPS_CLAIM,
        "https://example.com/groups",
      );
      assert.equal(one(run, "aws:lambda/function:Function").inputs.environment.variables.GROUPS_CLAIM, undefined);
    });
  });

  it(
    "refuses a nested groupsClaim path (realm_access.roles) at http-jwt, where the HTTP API passes " +
      "top-level claims only, naming the key; a namespaced claim name is accepted",
    async () => {
      const ext = { jwtIssuer: "https://login.example.com/realms/notes", jwtAudiences: ["notes-api"] };
      const nested = await runStack({
        stack: OFFLINE_STACK,
        config: doorConfig("http-jwt", { ...ext, groupsClaim: "realm_access.roles" }),
      });
      assert.match(nested.error ?? "", /notes-auth:groupsClaim is "realm_access.roles", a nested path: at http-jwt/);
      assert.deepEqual(
        nested.resources.filter((r) => r.custom),
        [],
      );
      const flat = await runStack({
        stack: OFFLINE_STACK,
        config: doorConfig("http-jwt", { ...ext, groupsClaim: "roles" }),
      });
      assert.equal(flat.error, undefined);
    },
  );

  it(
    "refuses groupsClaim with the stack's own pool (always cognito:groups) before any resource, " + "naming the key",
    async () => {
      const bad = await runStack({ stack: OFFLINE_STACK, config: doorConfig("http-jwt", { groupsClaim: "groups" }) });
      assert.match(bad.error ?? "", /notes-auth:groupsClaim names an external issuer's groups claim/);
      assert.deepEqual(
        bad.resources.filter((r) => r.custom),
        [],
      );
    },
  );
});
