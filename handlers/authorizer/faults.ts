import {
  FetchError,
  JwkValidationError,
  JwksValidationError,
  JwtBaseError,
  NotSupportedError,
  ParameterValidationError,
} from "aws-jwt-verify/error";
import { AUTHORIZER_FAULT } from "../contract/authorizerFault";

/** A token our own checks refuse (token_use, audience, sub): the caller's fault, never ours. */
export class TokenRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenRefused";
  }
}

/** aws-jwt-verify errors about the keys or the verifier's own setup, not about the token. */
const KEY_OR_SETUP_FAULTS = [
  FetchError,
  JwksValidationError,
  JwkValidationError,
  ParameterValidationError,
  NotSupportedError,
];

/**
 * True when verification failed for a reason other than the token: the key endpoint did not answer
 * (network, timeout, non-200), its keys are invalid, or the verifier is misconfigured. A bad, expired,
 * foreign or tampered token (aws-jwt-verify's token errors, or our TokenRefused) is not a fault.
 */
export function isVerificationFault(err: unknown): boolean {
  if (err instanceof TokenRefused) return false;
  if (err instanceof JwtBaseError) return KEY_OR_SETUP_FAULTS.some((c) => err instanceof c);
  return true;
}

/** The fault's log line: the marker and the error's kind and message (a key endpoint's status, say), never a token. */
export function faultLine(err: unknown): string {
  const e = err instanceof Error ? { error: err.name, detail: err.message } : { error: typeof err };
  return JSON.stringify({ level: "error", message: AUTHORIZER_FAULT, ...e });
}
