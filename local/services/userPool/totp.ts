import { Secret, TOTP } from "otpauth";

/**
 * Authenticator-app codes (SOFTWARE_TOKEN_MFA) as Cognito checks them: RFC 6238 TOTP, SHA-1, 6 digits, 30-second
 * steps, through otpauth (a maintained TOTP library).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
 */

/** A new shared secret, base32 as AssociateSoftwareToken's `SecretCode` is. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totpOf = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });

/** Whether a code is the secret's for now (or the step either side: a phone's clock drifts). */
export function totpMatches(secret: string, code: string): boolean {
  return /^\d{6}$/.test(code) && totpOf(secret).validate({ token: code, window: 1 }) !== null;
}

/** The code an authenticator app shows now (for local tools and specs that play the user). */
export const totpNow = (secret: string): string => totpOf(secret).generate();
