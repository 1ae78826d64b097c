import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";
import type { LocalOutputs } from "../localStack";
import { listen, messageReply } from "../gateways/http";
import { appConfig, appOrigin, contentSecurityPolicy } from "./appConfig";

/**
 * The browser app's own small server: the page (with its Content-Security-Policy), its script
 * (bundled from local/app/browser/ with esbuild when the server starts: nothing generated is
 * committed) and stylesheet, and `/config.json` (the public part of the stack outputs). The page
 * calls the door, the user pool and the local AWS endpoint itself, cross-origin, as a deployed app does.
 */

export interface BrowserAppOptions {
  /** The port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** The running stack's outputs (a function: the app may start before the stack, to know its origin first). */
  outputs: LocalOutputs | (() => LocalOutputs | undefined);
  /** The origin browsers use for the app. @default http://localhost:<port> */
  origin?: string;
  log?: (line: string) => void;
}

export interface RunningBrowserApp {
  /** The app's origin, as browsers reach it. */
  url: string;
  /** Where the server listens (http://127.0.0.1:<port>): the same as `url` unless `origin` was given. */
  listening: string;
  close(): Promise<void>;
}

const BROWSER_DIR = path.join(__dirname, "browser");

/** The app's script: local/app/browser/main.mts and its imports (Amplify, the identity-pool provider, the signer). */
export async function bundleApp(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(BROWSER_DIR, "main.mts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

const reply = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => ({
  status,
  headers: { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers },
  body: Buffer.from(body),
});

export async function startBrowserApp(opts: BrowserAppOptions): Promise<RunningBrowserApp> {
  const log = opts.log ?? (() => undefined);
  const outputs = typeof opts.outputs === "function" ? opts.outputs : () => opts.outputs as LocalOutputs;
  const [script, page, css] = await Promise.all([
    bundleApp(),
    fs.promises.readFile(path.join(BROWSER_DIR, "index.html"), "utf8"),
    fs.promises.readFile(path.join(BROWSER_DIR, "app.css"), "utf8"),
  ]);
  let origin = opts.origin;
  const server = await listen(
    opts.port,
    async (req) => {
      const out = outputs();
      if (!out) return messageReply(503, "the local stack is still starting");
      if (req.method !== "GET") return messageReply(405, "Method Not Allowed");
      switch (req.path) {
        case "/":
        case "/callback":
          return reply(200, "text/html; charset=utf-8", page, {
            "content-security-policy": contentSecurityPolicy(out),
            // The callback's code never leaves in a Referer.
            "referrer-policy": "no-referrer",
          });
        case "/app.js":
          return reply(200, "text/javascript; charset=utf-8", script);
        case "/app.css":
          return reply(200, "text/css; charset=utf-8", css);
        case "/config.json":
          return reply(200, "application/json", JSON.stringify(appConfig(out, origin!)));
        case "/favicon.ico":
          return { status: 204, headers: {}, body: Buffer.alloc(0) };
        default:
          return messageReply(404, "Not Found");
      }
    },
    log,
  );
  origin ??= appOrigin(Number(new URL(server.origin).port));
  log(`browser app on ${origin}`);
  return { url: origin, listening: server.origin, close: server.close };
}
