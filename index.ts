/**
 * notes-auth: one notes backend behind the front doors that `notes-auth:doors` lists (or the one
 * `notes-auth:authMode` selects), each at its own URL.
 * The config is read and validated first, so a bad value stops the program before any resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./components/pulumiConfig";
import { buildNotesAuth } from "./components/stack";

const config = readStackConfig(new pulumi.Config());
const stack = buildNotesAuth(config);

export const authMode = stack.authMode;
export const doors = stack.doors;
export const url = stack.url;
export const urls = stack.urls;
export const region = stack.region;
export const client = stack.client;
export const clients = stack.clients;
export const tableName = stack.tableName;
export const attachmentsBucket = stack.attachmentsBucket;
export const functionName = stack.functionName;
export const secrets = stack.secrets;
export const dnsTarget = stack.dnsTarget;
