import * as assert from "assert";
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";
import { doorConfig } from "../../../components/doors/registry";
import { albRedirectUris } from "../../../awsRules/alb";
import { StackRun, ofType, one, runMode, unsecret } from "../../support/stack";
import { ConfigError } from "../../../components/config";
import { parseStackConfig } from "../../../components/resolvedConfig";
import { ruleProblem } from "../../../awsRules/albConditions";
import { endSessionUrl } from "../../../components/doors/alb-oidc/component";
import { albOidcReport } from "../../../components/doors/alb-oidc/report";

/** The report's API calls (a header and four paths), which the local listener spec serves too. */
const API_CALLS = albOidcReport.variants.apiCalls;
const EXTERNAL_IDP = {
  oidcIssuer: "https://idp.example.com",
  oidcAuthorizationEndpoint: "https://idp.example.com/authorize",
  oidcTokenEndpoint: "https://idp.example.com/token",
  oidcUserInfoEndpoint: "https://idp.example.com/userinfo",
  oidcClientId: "alb-client",
  oidcClientSecret: "s3cr3t-value",
};

const LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/door-alb/0123456789abcdef";
const TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/door-tg/0123456789abcdef";

describe("AlbOidcFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode alb-oidc with a certificate and the stack's pool
    run = await runMode("alb-oidc");
  });

  it("listens on HTTPS with the certificate and a TLS 1.3 policy", () => {
    const https = one(run, "aws:lb/listener:Listener", "door-https").inputs;
    assert.equal(https.protocol, "HTTPS");
    assert.equal(https.port, 443);
    assert.match(https.certificateArn, /^arn:aws:acm:/);
    assert.match(https.sslPolicy, /^ELBSecurityPolicy-TLS13-1-[23]-/);
  });

  it("authenticates with Cognito first (never allow), then forwards to the Lambda target group", () => {
    const actions = one(run, "aws:lb/listener:Listener", "door-https").inputs.defaultActions;
    assert.equal(actions.length, 2);
    assert.equal(actions[0].type, "authenticate-cognito");
    assert.equal(actions[0].order, 1);
    assert.equal(actions[0].authenticateCognito.onUnauthenticatedRequest, "authenticate");
    assert.equal(
      actions[0].authenticateCognito.userPoolArn,
      "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_userspool",
    );
    assert.equal(actions[0].authenticateCognito.userPoolClientId, "door-alb-client-client-id");
    assert.equal(actions[0].authenticateCognito.sessionTimeout, 3600);
    assert.deepEqual(
      { type: actions[1].type, order: actions[1].order, tg: actions[1].targetGroupArn },
      { type: "forward", order: 2, tg: TG_ARN },
    );
  });

  it(
    "given corsOrigins, then an OPTIONS rule on the HTTPS listener, before the default rule, forwards preflights " +
      "to the function without the login",
    () => {
      const listener = one(run, "aws:lb/listener:Listener", "door-https");
      const rule = one(run, "aws:lb/listenerRule:ListenerRule", "door-preflight").inputs;
      assert.equal(rule.listenerArn, listener.state.arn);
      assert.equal(rule.priority, 1);
      assert.deepEqual(rule.conditions, [{ httpRequestMethod: { values: ["OPTIONS"] } }]);
      assert.deepEqual(rule.actions, [{ type: "forward", targetGroupArn: TG_ARN }], "no authenticate action");
    },
  );

  it("given no corsOrigins, then every request gets the login: no OPTIONS rule", async () => {
    const closed = await runMode("alb-oidc", { corsOrigins: [] });
    assert.deepEqual(
      ofType(closed, "aws:lb/listenerRule:ListenerRule").map((r) => r.name),
      ["door-api"],
    );
  });

  it(
    "given the HTTPS listener, then an API rule after the OPTIONS rule and before the default one answers calls " +
      "that accept JSON 401 without a session (deny), and forwards them with one",
    () => {
      const listener = one(run, "aws:lb/listener:Listener", "door-https");
      const rule = one(run, "aws:lb/listenerRule:ListenerRule", "door-api").inputs;
      const preflight = one(run, "aws:lb/listenerRule:ListenerRule", "door-preflight").inputs;
      assert.equal(rule.listenerArn, listener.state.arn);
      assert.ok(rule.priority > preflight.priority, `priority ${rule.priority} after the OPTIONS rule's`);
      assert.deepEqual(rule.conditions, [{ httpHeader: { httpHeaderName: "Accept", values: ["application/json*"] } }]);
      const [deny, forward] = rule.actions;
      const { onUnauthenticatedRequest, ...same } = deny.authenticateCognito;
      const { onUnauthenticatedRequest: _default, ...defaults } = listener.inputs.defaultActions[0].authenticateCognito;
      assert.deepEqual([deny.type, deny.order, onUnauthenticatedRequest], ["authenticate-cognito", 1, "deny"]);
      assert.deepEqual(same, defaults, "the default rule's login otherwise");
      assert.deepEqual([forward.type, forward.order, forward.targetGroupArn], ["forward", 2, TG_ARN]);
    },
  );

  it(
    "given the stack's pool, then the login client's sign-out URL is the door's root, and the logout route sends " +
      "the browser to the pool's logout endpoint with that client and that URL",
    () => {
      const login = one(run, "aws:cognito/userPoolClient:UserPoolClient", "door-alb-client").inputs;
      assert.deepEqual(login.logoutUrls, ["https://notes.example.com/"]);
      const logout = new URL(one(run, "aws:lambda/function:Function").inputs.environment.variables.ALB_LOGOUT_URL);
      assert.match(logout.origin, /^https:\/\/[^.]+\.auth\.us-east-1\.amazoncognito\.com$/);
      assert.equal(logout.pathname, "/logout");
      assert.deepEqual(Object.fromEntries(logout.searchParams), {
        client_id: "door-alb-client-client-id",
        logout_uri: "https://notes.example.com/",
      });
      assert.equal(run.outputs.client.signOut, "https://notes.example.com/logout");
    },
  );

  it("sends the function multi-value headers (the logout sets one cookie per session shard)", () => {
    assert.equal(one(run, "aws:lb/targetGroup:TargetGroup").inputs.lambdaMultiValueHeadersEnabled, true);
  });

  it("opens port 80 only to redirect to HTTPS", () => {
    const http = ofType(run, "aws:lb/listener:Listener").filter((l) => l.inputs.protocol === "HTTP");
    assert.equal(http.length, 1);
    assert.deepEqual(http[0].inputs.defaultActions, [
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
  });

  it("drops invalid headers and mitigates desync on an internet-facing ALB", () => {
    const lb = one(run, "aws:lb/loadBalancer:LoadBalancer").inputs;
    assert.equal(lb.dropInvalidHeaderFields, true);
    assert.ok(["defensive", "strictest"].includes(lb.desyncMitigationMode));
    assert.equal(lb.internal, false);
    assert.deepEqual(lb.subnets, ["subnet-public-a", "subnet-public-b"]);
  });

  it("lets in 443 and 80 only", () => {
    const sg = one(run, "aws:ec2/securityGroup:SecurityGroup").inputs;
    assert.deepEqual(
      sg.ingress.map((r: any) => [r.fromPort, r.toPort]).sort(),
      [
        [443, 443],
        [80, 80],
      ].sort(),
    );
  });

  it("lets only this target group invoke the function's live alias, its target, and has no function URL", () => {
    const p = one(run, "aws:lambda/permission:Permission").inputs;
    const alias = one(run, "aws:lambda/alias:Alias");
    assert.equal(p.principal, "elasticloadbalancing.amazonaws.com");
    assert.equal(p.sourceArn, TG_ARN);
    assert.equal(p.qualifier, alias.inputs.name);
    const target = one(run, "aws:lb/targetGroupAttachment:TargetGroupAttachment");
    assert.equal(target.inputs.targetId, "arn:aws:lambda:us-east-1:123456789012:function:notes-api:live");
    assert.equal(target.inputs.targetId, alias.state.arn);
    // The load balancer registers a Lambda target only once it may invoke it:
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
    assert.ok(target.dependencies.includes(one(run, "aws:lambda/permission:Permission").urn));
    assert.equal(one(run, "aws:lb/targetGroup:TargetGroup").inputs.targetType, "lambda");
    assert.equal(ofType(run, "aws:lambda/functionUrl:FunctionUrl").length, 0);
  });

  it("uses a confidential code-flow client whose callbacks are every name clients use, in lower case", () => {
    const c = one(run, "aws:cognito/userPoolClient:UserPoolClient", "door-alb-client").inputs;
    assert.equal(c.generateSecret, true);
    assert.deepEqual(c.allowedOauthFlows, ["code"]);
    // the ALB sends https://<the name the browser used>/oauth2/idpresponse (awsRules/alb.ts)
    for (const uri of albRedirectUris(["notes.example.com", "door-alb-1234567890.us-east-1.elb.amazonaws.com"]))
      assert.ok(c.callbackUrls.includes(uri), uri);
    for (const uri of c.callbackUrls) assert.equal(uri, uri.toLowerCase());
  });

  it("serves its url on domainName, the name the certificate covers", () => {
    assert.equal(run.outputs.url, "https://notes.example.com");
    assert.deepEqual(run.outputs.client.redirectUris, [
      "https://notes.example.com/oauth2/idpresponse",
      "https://door-alb-1234567890.us-east-1.elb.amazonaws.com/oauth2/idpresponse",
    ]);
  });

  it("needs domainName unless the user opts out explicitly, then uses the load balancer's own name", async () => {
    const { domainName: _name, ...config } = doorConfig("alb-oidc");
    const refused = await runStack({ stack: OFFLINE_STACK, config });
    assert.match(refused.error ?? "", /notes-auth:domainName is required for the alb-oidc door/);
    assert.deepEqual(
      refused.resources.filter((r) => r.custom),
      [],
    );
    const optedOut = await runMode("alb-oidc", { domainName: undefined, albWithoutDomainName: true });
    assert.equal(optedOut.outputs.url, "https://door-alb-1234567890.us-east-1.elb.amazonaws.com");
  });

  it("tells the handler this ALB's ARN for the signer check", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "alb-oidc");
    assert.equal(env.ALB_ARN, LB_ARN);
    assert.equal(env.ALB_CLIENT_ID, "door-alb-client-client-id");
  });

  it("builds the VPC with awsx: public subnets, no NAT", () => {
    const vpc = one(run, "awsx:ec2:Vpc").inputs;
    assert.equal(vpc.natGateways.strategy, "None");
    assert.deepEqual(
      vpc.subnetSpecs.map((s: any) => s.type),
      ["Public"],
    );
  });

  describe("with an external OIDC IdP and an existing VPC, no redirect listener", () => {
    let ext: StackRun;
    before(async () => {
      ext = await runStack({
        stack: "test",
        secretKeys: ["oidcClientSecret"],
        config: {
          authMode: "alb-oidc",
          "aws:region": "us-east-1",
          domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
          albRedirectHttp: false,
          domainName: "notes.example.com",
          vpcId: "vpc-existing",
          subnetIds: ["subnet-1", "subnet-2"],
          ...EXTERNAL_IDP,
          groupsClaim: "groups",
        },
      });
      assert.equal(ext.error, undefined, ext.error);
    });
    it("uses authenticate-oidc with the IdP's endpoints, keeps the user pool (keepUserPool), creates no VPC", () => {
      const actions = unsecret(one(ext, "aws:lb/listener:Listener", "door-https").inputs.defaultActions);
      assert.equal(actions.secret, true, "the actions hold the client secret, so Pulumi keeps them secret");
      const [auth] = actions.value;
      assert.equal(auth.authenticateOidc.clientId, "alb-client");
      assert.equal(auth.type, "authenticate-oidc");
      assert.equal(auth.authenticateOidc.issuer, "https://idp.example.com");
      assert.equal(auth.authenticateOidc.tokenEndpoint, "https://idp.example.com/token");
      assert.equal(auth.authenticateOidc.onUnauthenticatedRequest, "authenticate");
      assert.equal(ofType(ext, "aws:cognito/userPool:UserPool").length, 1);
      assert.equal(ofType(ext, "awsx:ec2:Vpc").length, 0);
      assert.deepEqual(one(ext, "aws:lb/loadBalancer:LoadBalancer").inputs.subnets, ["subnet-1", "subnet-2"]);
      assert.equal(ofType(ext, "aws:lb/listener:Listener").length, 1, "no port-80 listener");
      assert.deepEqual(
        one(ext, "aws:ec2/securityGroup:SecurityGroup").inputs.ingress.map((r: any) => r.fromPort),
        [443],
      );
    });
    it("answers API calls without a session 401 with the IdP's login, and logs out to the door's root", () => {
      const [deny] = unsecret(one(ext, "aws:lb/listenerRule:ListenerRule", "door-api").inputs.actions).value;
      assert.deepEqual([deny.type, deny.authenticateOidc.onUnauthenticatedRequest], ["authenticate-oidc", "deny"]);
      assert.equal(deny.authenticateOidc.issuer, "https://idp.example.com");
      const env = one(ext, "aws:lambda/function:Function").inputs.environment.variables;
      assert.equal(env.ALB_LOGOUT_URL, "https://notes.example.com/");
    });
    it("tells the user which redirect URI to register at their IdP", () => {
      assert.ok(ext.outputs.client.redirectUris.includes("https://notes.example.com/oauth2/idpresponse"));
    });
    it("tells the handler the IdP's groups claim (groupsClaim), and the stack's pool run none", () => {
      assert.equal(one(ext, "aws:lambda/function:Function").inputs.environment.variables.GROUPS_CLAIM, "groups");
      assert.equal(one(run, "aws:lambda/function:Function").inputs.environment.variables.GROUPS_CLAIM, undefined);
    });
    it("never puts the client secret in a plain output", () => {
      assert.ok(!JSON.stringify(ext.outputs).includes("s3cr3t-value"));
    });
  });

  describe("with API calls named by a header and by paths (albApiHeader, albApiPaths)", () => {
    let calls: StackRun;
    before(async () => (calls = await runMode("alb-oidc", API_CALLS)));
    const rules = () =>
      ofType(calls, "aws:lb/listenerRule:ListenerRule")
        .map((r): Record<string, any> => ({ name: r.name, ...r.inputs }))
        .sort((a, b) => a.priority - b.priority);

    it(
      "then a header rule and path rules follow the Accept rule, each answering 401 without a session (deny) with " +
        "the default rule's login otherwise, and forwarding with one",
      () => {
        const listener = one(calls, "aws:lb/listener:Listener", "door-https");
        const { onUnauthenticatedRequest: _d, ...login } = listener.inputs.defaultActions[0].authenticateCognito;
        assert.deepEqual(
          rules().map((r) => [r.name, r.priority, r.conditions]),
          [
            ["door-preflight", 1, [{ httpRequestMethod: { values: ["OPTIONS"] } }]],
            ["door-api", 2, [{ httpHeader: { httpHeaderName: "Accept", values: ["application/json*"] } }]],
            [
              "door-api-header",
              3,
              [{ httpHeader: { httpHeaderName: "X-Requested-With", values: ["XMLHttpRequest"] } }],
            ],
            ["door-api-path-0", 4, [{ pathPattern: { values: ["/api/*", "/v1/*", "/export/*"] } }]],
            ["door-api-path-1", 5, [{ pathPattern: { values: ["/batch/*"] } }]],
          ],
        );
        for (const rule of rules().filter((r) => r.name !== "door-preflight")) {
          assert.equal(rule.listenerArn, listener.state.arn);
          const [deny, forward] = rule.actions;
          const { onUnauthenticatedRequest, ...same } = deny.authenticateCognito;
          assert.deepEqual([deny.type, deny.order, onUnauthenticatedRequest], ["authenticate-cognito", 1, "deny"]);
          assert.deepEqual(same, login, rule.name);
          assert.deepEqual([forward.type, forward.order, forward.targetGroupArn], ["forward", 2, TG_ARN]);
        }
      },
    );

    it("then every rule is within the load balancer's limits: values per condition, wildcards, priorities", () => {
      for (const r of rules()) assert.equal(ruleProblem(r.conditions, r.priority), undefined, r.name);
      const priorities = rules().map((r) => r.priority);
      assert.equal(new Set(priorities).size, priorities.length, "unique on the listener");
    });

    const parse = (extra: Record<string, unknown>) =>
      parseStackConfig((key) => {
        const v = doorConfig("alb-oidc", extra)[key];
        return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
      });
    const refuses = (key: string, value: unknown, ...mentions: string[]) =>
      assert.throws(
        () => parse({ [key]: value }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, String(err));
          assert.equal(err.key, key);
          for (const m of mentions) assert.ok(err.message.includes(m), `"${m}" in: ${err.message}`);
          return true;
        },
        JSON.stringify(value),
      );

    it("refuses an albApiHeader the load balancer would refuse, naming the key and the rule", () => {
      refuses("albApiHeader", "X-Requested-With", "Name: value-pattern");
      refuses("albApiHeader", "X-Requested-With:", "Name: value-pattern");
      refuses("albApiHeader", "Host: api.example.com", "host-header condition");
      refuses("albApiHeader", "X Requested: yes", "token characters");
      refuses("albApiHeader", `${"X".repeat(41)}: yes`, "1 to 40 characters");
      refuses("albApiHeader", `X-Api: ${"v".repeat(129)}`, "1 to 128 characters");
      refuses("albApiHeader", "X-Api: é", "visible ASCII");
      refuses("albApiHeader", "X-Api: ******", "at most 5 wildcards");
    });

    it("refuses an albApiHeader that a browser's navigation sends, naming the key: nobody could sign in", () => {
      refuses("albApiHeader", "Accept: text/html*", "albApiHeader", "a browser's navigation", "nobody could sign in");
      refuses("albApiHeader", "accept: *xhtml*", "a browser's navigation (accept: text/html,application/xhtml+xml");
      refuses("albApiHeader", "Sec-Fetch-Mode: navigate", "a browser's navigation");
      refuses("albApiHeader", "Sec-Fetch-Dest: DOCUMENT", "a browser's navigation");
      refuses("albApiHeader", "Sec-Fetch-Site: same-origin", "a browser's navigation");
      refuses("albApiHeader", "User-Agent: *", "a browser's navigation");
      refuses("albApiHeader", "User-Agent: Mozilla/*", "a browser's navigation");
      for (const albApiHeader of [
        "Sec-Fetch-Mode: cors",
        "Sec-Fetch-Dest: empty",
        "User-Agent: curl/*",
        "Accept: */json",
      ])
        assert.deepEqual((parse({ albApiHeader }).door as any).apiCalls.header?.name, albApiHeader.split(":")[0]);
    });

    it("accepts a header pattern the load balancer takes, as name and value", () => {
      assert.deepEqual(parse({ albApiHeader: "x-api:  a*b " }).door, {
        ...parse({}).door,
        apiCalls: { header: { name: "x-api", value: "a*b" }, paths: [] },
      });
    });

    it(
      "refuses albApiPaths the load balancer would refuse, and any catching a browser's own paths (the root, the " +
        "login's return, every path the function takes for the logout: /logout/ too)",
      () => {
        refuses("albApiPaths", ["api/*"], "begins with /");
        refuses("albApiPaths", ["/api/<x>"], "A-Z, a-z, 0-9");
        refuses("albApiPaths", [`/${"a".repeat(128)}`], "1 to 128 characters");
        refuses("albApiPaths", ["/a/*/*/*/*/*/*"], "at most 5 wildcards");
        refuses("albApiPaths", ["/*"], "which matches /:", "with the login");
        refuses("albApiPaths", ["/oauth2/*"], "matches /oauth2/idpresponse");
        refuses("albApiPaths", ["/log?ut"], "matches /logout");
        refuses("albApiPaths", ["/logout/*"], "matches /logout/:", "with the login");
        refuses("albApiPaths", ["/logout??"], "matches /logout//");
        assert.deepEqual((parse({ albApiPaths: ["/logout/x*", "/logout?*x"] }).door as any).apiCalls.paths, [
          "/logout/x*",
          "/logout?*x",
        ]);
        refuses(
          "albApiPaths",
          Array.from({ length: 11 }, (_, i) => `/p${i}/*`),
          "at most 10",
        );
      },
    );

    it("refuses them before any resource, naming the key", async () => {
      const bad = await runStack({ stack: OFFLINE_STACK, config: doorConfig("alb-oidc", { albApiPaths: ["/*"] }) });
      assert.match(bad.error ?? "", /notes-auth:albApiPaths has "\/\*"/);
      assert.deepEqual(
        bad.resources.filter((r) => r.custom),
        [],
      );
    });
  });

  describe("with an external IdP's end-session endpoint (oidcEndSessionEndpoint)", () => {
    it(
      "then the logout route sends the browser there with the ALB's client_id and the door's root as " +
        "post_logout_redirect_uri, which the outputs say to register",
      async () => {
        const run = await runMode("alb-oidc", {
          ...EXTERNAL_IDP,
          oidcEndSessionEndpoint: "https://idp.example.com/oidc/logout?tenant=notes",
        });
        const logout = new URL(one(run, "aws:lambda/function:Function").inputs.environment.variables.ALB_LOGOUT_URL);
        assert.equal(`${logout.origin}${logout.pathname}`, "https://idp.example.com/oidc/logout");
        assert.deepEqual(Object.fromEntries(logout.searchParams), {
          tenant: "notes",
          client_id: "alb-client",
          post_logout_redirect_uri: "https://notes.example.com/",
        });
        assert.equal(run.outputs.client.postLogoutRedirectUri, "https://notes.example.com/");
      },
    );

    it("then a client_id or post_logout_redirect_uri already in the endpoint's URL is replaced, never doubled", () => {
      const url = new URL(endSessionUrl("https://idp.example.com/logout?client_id=x", "alb-client", "https://n/"));
      assert.deepEqual(url.searchParams.getAll("client_id"), ["alb-client"]);
    });

    it("refuses an endpoint that is not https, or one without the oidc* keys, naming the key", () => {
      const parse = (extra: Record<string, unknown>) =>
        parseStackConfig(
          (key) => {
            const v = doorConfig("alb-oidc", extra)[key];
            return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
          },
          () => "secret",
        );
      assert.throws(
        () => parse({ ...EXTERNAL_IDP, oidcEndSessionEndpoint: "http://idp.example.com/logout" }),
        /notes-auth:oidcEndSessionEndpoint is "http:\/\/idp.example.com\/logout": it must be an https:\/\/ URL/,
      );
      assert.throws(
        () => parse({ oidcEndSessionEndpoint: "https://idp.example.com/logout" }),
        /notes-auth:oidcEndSessionEndpoint is an external IdP's logout endpoint: set the notes-auth:oidc\* keys too/,
      );
    });
  });

  it(
    "refuses groupsClaim with the stack's own pool (always cognito:groups) before any resource, " + "naming the key",
    async () => {
      const bad = await runStack({ stack: "test", config: { authMode: "alb-oidc", groupsClaim: "groups" } });
      assert.match(bad.error ?? "", /notes-auth:groupsClaim names an external IdP's groups claim/);
      assert.deepEqual(
        bad.resources.filter((r) => r.custom),
        [],
      );
    },
  );

  it("without a certificate, stops before any resource and names the key", async () => {
    const bad = await runStack({ stack: "test", config: { authMode: "alb-oidc" } });
    assert.ok(bad.error?.includes("notes-auth:domainCertificateArn"), bad.error);
    assert.deepEqual(
      bad.resources.filter((r) => r.custom),
      [],
    );
  });
});
