/**
 * The path of the load balancer's own login return: the IdP sends the browser back there with the code, and the
 * load balancer answers it itself (it never reaches a target).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const ALB_IDP_RESPONSE_PATH = "/oauth2/idpresponse";

/**
 * The redirect URI an ALB sends the IdP is `https://<the name the client used>/oauth2/idpresponse`,
 * and a Cognito app client's callback URLs must be lower case. So the login client must list that
 * URI, lower-cased, for every name clients use: the load balancer's DNS name and each alias.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * ("Allow the following redirect URLs … https://DNS/oauth2/idpresponse https://CNAME/oauth2/idpresponse";
 * "The callback URL in the app client settings must use all lowercase letters.")
 */
export function albRedirectUris(hostnames: readonly string[]): string[] {
  return [...new Set(hostnames.map((h) => `https://${h.toLowerCase()}${ALB_IDP_RESPONSE_PATH}`))];
}
