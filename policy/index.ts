/**
 * The notes-auth policy pack: `pulumi preview --policy-pack policy` from the repository root
 * (after `npm ci`). The policies live in rules.ts, which the specs and `npm run plan` also run
 * over the program's recorded resources, so a rule is written once.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("notes-auth", { enforcementLevel: "mandatory", policies: POLICIES });
