import type { AlbOidcCitation } from "./component";
import { DoorReport, FEDERATED_VARIANT, federatedProviders } from "../report";
import { ALARMS_VARIANT, WAF_VARIANT } from "../restReport";

/** The report's facts of `alb-oidc`: an Application Load Balancer that runs the OIDC login itself (browsers only). */
export const albOidcReport: DoorReport<"alb-oidc", AlbOidcCitation> = {
  mode: "alb-oidc",
  facts: {
    title: "Application Load Balancer + authenticate-cognito / authenticate-oidc",
    front: "Application Load Balancer",
    clientPresents: "a browser session cookie (AWSELBAuthSessionCookie)",
    howToGetIt: "the browser follows the ALB's redirect to the IdP's login page; the ALB sets the cookie",
    verifiedBy:
      "the ALB runs the OIDC login and signs x-amzn-oidc-data (ES256); the handler verifies that signature, exp " +
      "and that the signer is this ALB",
    backendReceives: "the x-amzn-oidc-data header on an ALB target event",
    principalId: "<user pool sub> (oidc:<sub> with an external IdP)",
    whenToChoose:
      "An internal, browser-only tool behind corporate SSO with no client code for tokens: `alb-oidc`. It has a " +
      "fixed hourly cost, so it pays off only at high traffic, and the handler must verify the ALB's signature " +
      "and signer.",
  },
  diagram: `sequenceDiagram
    participant B as Browser
    participant ALB as Application Load Balancer
    participant IdP as Cognito hosted UI or OIDC IdP
    participant L as notes Lambda
    participant T as DynamoDB
    B->>ALB: GET /notes (no session cookie)
    ALB-->>B: 302 to the IdP's login page
    B->>IdP: sign in
    IdP-->>B: 302 back with a code
    B->>ALB: /oauth2/idpresponse?code=…
    ALB->>IdP: exchange code for tokens, get user info
    ALB-->>B: session cookie, 302 to /notes
    B->>ALB: GET /notes + cookie
    ALB->>L: event + x-amzn-oidc-data (ES256, signed by this ALB)
    L->>L: verify signature, exp, signer = this ALB; principal = sub
    L->>T: query userId = sub
    T-->>L: notes
    L-->>B: 200 JSON`,
  variants: {
    ...FEDERATED_VARIANT,
    ...WAF_VARIANT,
    ...ALARMS_VARIANT,
    domain: { hostedZoneId: "Z0123456789EXAMPLE" },
    external: {
      oidcIssuer: "https://idp.example.com",
      oidcAuthorizationEndpoint: "https://idp.example.com/authorize",
      oidcTokenEndpoint: "https://idp.example.com/token",
      oidcUserInfoEndpoint: "https://idp.example.com/userinfo",
      oidcClientId: "alb-client",
      oidcClientSecret: "placeholder",
    },
    apiCalls: {
      albApiHeader: "X-Requested-With: XMLHttpRequest",
      albApiPaths: ["/api/*", "/v1/*", "/export/*", "/batch/*"],
    },
  },
  capabilities: {
    "Users and machines": { cite: "httpsListener", text: "users in a browser only" },
    "Per-route authorization": { evidence: "handler", text: "handler only (groups claim, if the IdP sends it)" },
    "Identity provider": { cite: "httpsListener", variant: "external", text: "any OIDC IdP (`oidc*`) or Cognito" },
    "Federated users": {
      cite: "loginClient",
      variant: "federated",
      text: (c) =>
        `yes: the ALB's login client lists ${federatedProviders(c)}, on the pool's hosted UI; the pool's sub (with ` +
        "`oidc*`: that IdP's own users instead)",
    },
    "Throttling and quotas per client": { evidence: "not built", text: "none (WAF rate rules could add it)" },
    // The pool's /logout ends its own session (its cookie); a user from an OIDC or social IdP still has that IdP's
    // session, and only a SAML IdP with single logout is signed out through the pool.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
    // https://repost.aws/knowledge-center/cognito-logout-endpoint-globalsignoutapi
    "Revocation and token lifetime": {
      cite: "httpsListener",
      text: (l) =>
        `session cookie valid for ${l.defaultActions?.[0]?.authenticateCognito?.sessionTimeout ?? "?"} s ` +
        `(\`albSessionTimeout\`); no check with the IdP before; \`GET /logout\` expires it and ends the pool's ` +
        "session (a federated OIDC or social IdP's own session stays, so its sign-in may walk straight back in; " +
        "with `oidcEndSessionEndpoint`, the IdP is asked to end its own)",
    },
    "Browser or API": {
      cite: "apiRule",
      text:
        "browsers (redirects, cookies); API calls (`Accept: application/json`) without a session get 401, and so " +
        "do a header and paths you name (`albApiHeader`, `albApiPaths`: rules of their own when set)",
    },
    CORS: {
      cite: "preflightRule",
      text: "OPTIONS rule skips the login; listed origins, with credentials (the cookie reaches same-site pages only)",
    },
    WAF: { cite: "waf", variant: "waf", text: "web ACL associated (`wafAclArn`)" },
    "Custom domain": {
      cite: "domain:record",
      variant: "domain",
      text: "yours on the listener's certificate (`domainName`); alias record with `hostedZoneId`",
    },
    mTLS: { evidence: "not built", text: "not built (the ALB's login authenticates browsers)" },
    // An API mapping targets an API Gateway API's stage (CreateApiMapping: ApiId and Stage,
    // https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/domainnames-domainname-apimappings.html), so an
    // ALB cannot sit at a path of the gateway doors' domain; it answers on its own DNS name (its listener's
    // certificate) or a name of its own pointed at it.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html
    "Run beside another door": {
      cite: "domain:record",
      variant: "domain",
      text:
        "needs its own load balancer and URL; under a custom domain, a host name of its own (an ALB cannot be an API " +
        "mapping's target, so it cannot share a gateway door's domain by path)",
    },
  },
  pricing: {
    gateway: "alb",
    billsMau: true,
    billsMachineTokens: false,
    notes: ["alb-oidc: sign-ins through the ALB are Cognito MAUs like any other."],
  },
};
