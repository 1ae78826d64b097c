import * as fs from "fs";
import * as path from "path";
import * as v from "valibot";

/** A test user of the local user pool (local/users.json). */
export interface SeedUser {
  /** A short handle for `npm run token -- --user <username>`; also `cognito:username`. */
  username: string;
  /** The sign-in name when the pool signs in with email (`usernameAttributes: ["email"]`). */
  email: string;
  password: string;
  /** A fixed UUID, as Cognito issues one per user: a door switch keeps the user's notes. */
  sub: string;
  /** Names of user pool groups (only those the program creates count). */
  groups: string[];
}

const seedFile = v.object({
  users: v.pipe(
    v.array(
      v.strictObject({
        username: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*$/)),
        email: v.pipe(v.string(), v.email()),
        password: v.pipe(v.string(), v.minLength(1)),
        sub: v.pipe(v.string(), v.uuid()),
        groups: v.array(v.string()),
      }),
    ),
    v.minLength(1),
  ),
});

export const USERS_FILE = path.join(__dirname, "..", "users.json");

/** The committed test users; a malformed file names the field. */
export function loadUsers(file: string = USERS_FILE): SeedUser[] {
  const parsed = v.safeParse(seedFile, JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new Error(`${path.basename(file)}: ${v.getDotPath(issue) ?? ""}: ${issue.message}`);
  }
  return parsed.output.users;
}
