/**
 * CORS for REST doors. The Lambda answers real requests with the allowed origin echoed; these
 * helpers cover what API Gateway answers itself: the OPTIONS preflight and 4xx/5xx responses.
 * Never `*`: only the configured origins are echoed.
 */

import { API_REQUEST_HEADERS } from "../../handlers/contract/routeTable";

/**
 * The headers a door's CORS preflight allows: the API's own request headers and exactly what
 * the door's clients send to authenticate (a signer's headers, a key, a token), lower-case.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
 */
export function corsAllowHeaders(clientHeaders: readonly string[]): string[] {
  return [...new Set([...API_REQUEST_HEADERS, ...clientHeaders].map((h) => h.toLowerCase()))];
}

/**
 * VTL for the preflight's MOCK integration response: echo the request's Origin only when it
 * is one of the configured origins (a static header could name one origin only).
 */
export function corsPreflightTemplate(origins: string[]): string {
  const list = origins.map((o) => `"${o}"`).join(",");
  return [
    `#set($origin = $input.params().header.get("origin"))`,
    `#if("$!origin" == "")#set($origin = $input.params().header.get("Origin"))#end`,
    // Velocity calls methods on references only: a list literal must be set first.
    `#set($allowed = [${list}])`,
    `#if($allowed.contains($origin))`,
    `#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)`,
    `#end`,
    `{}`,
  ].join("\n");
}

/**
 * Allow-Origin of gateway responses (401/403/429/5xx raised before the Lambda runs). With one
 * origin it is that origin; with several it echoes the request's Origin, because gateway
 * responses cannot test a list. Those bodies carry no data, only the error message.
 */
export function gatewayResponseOrigin(origins: string[]): string {
  return origins.length === 1 ? `'${origins[0]}'` : "method.request.header.origin";
}
