import { DEV_SERVER_CREDENTIALS } from "./devServerCredentials.js";
import { InvalidOptionError } from "../errors.js";
import { MissingSigningKeysError } from "../errors.js";

/** A current/next key pair. */
export interface SigningKeyPair {
  readonly current: string;
  readonly next: string;
}

/** Where a receiver's keys come from, resolved once at construction. */
export interface SigningKeySource {
  /** Keys for a delivery, given its `Upstash-Region` header; `undefined` = none configured. */
  keysFor(upstashRegion: string | undefined): { keys: SigningKeyPair; region?: string } | undefined;
  /** Every key that can be used, for preparing key material up front. */
  readonly all: readonly string[];
}

/** The official dev server's fixed keys (wire spec 7.1). */
export const DEV_SIGNING_KEYS: SigningKeyPair = {
  current: DEV_SERVER_CREDENTIALS.currentSigningKey,
  next: DEV_SERVER_CREDENTIALS.nextSigningKey,
};

const REGIONS = ["EU_CENTRAL_1", "US_EAST_1"] as const;

/** `eu-central-1` / `EU-CENTRAL-1` / `EU_CENTRAL_1` → `EU_CENTRAL_1`; unknown → `undefined`. */
export function normaliseRegion(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const region = value.replaceAll("-", "_").toUpperCase();
  return (REGIONS as readonly string[]).includes(region) ? region : undefined;
}

type Env = Record<string, string | undefined>;

function readEnv(): Env {
  const g = globalThis as { process?: { env?: Env } };
  return g.process?.env ?? {};
}

function pairFrom(env: Env, prefix: string): SigningKeyPair | undefined {
  const current = env[`${prefix}QSTASH_CURRENT_SIGNING_KEY`];
  const next = env[`${prefix}QSTASH_NEXT_SIGNING_KEY`];
  return current && next ? { current, next } : undefined;
}

// Names the absent variable when exactly one of the pair is set.
function halfPairIn(env: Env, prefix: string): string | undefined {
  const current = env[`${prefix}QSTASH_CURRENT_SIGNING_KEY`];
  const next = env[`${prefix}QSTASH_NEXT_SIGNING_KEY`];
  if (current && !next) return `${prefix}QSTASH_NEXT_SIGNING_KEY`;
  if (next && !current) return `${prefix}QSTASH_CURRENT_SIGNING_KEY`;
  return undefined;
}

function optionalKey(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new InvalidOptionError(name, "must be a string");
  return value;
}

function fixed(keys: SigningKeyPair): SigningKeySource {
  return { keysFor: () => ({ keys }), all: [keys.current, keys.next] };
}

/**
 * Resolves a receiver's keys with the official SDK's precedence: explicit pair; else, when
 * `QSTASH_REGION` names a valid region, per-delivery `<REGION>_QSTASH_*_SIGNING_KEY`
 * chosen by the `Upstash-Region` header, falling back to the plain variables; else the plain
 * `QSTASH_CURRENT_SIGNING_KEY` / `QSTASH_NEXT_SIGNING_KEY`. The environment is read once.
 *
 * @throws {MissingSigningKeysError} `ERR_MISSING_SIGNING_KEYS` when no complete pair exists,
 *   or when only one of the two keys is passed explicitly.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when a key is not a string.
 */
export function resolveSigningKeys(config: {
  currentSigningKey?: unknown;
  nextSigningKey?: unknown;
  devMode?: unknown;
}, env: Env = readEnv()): SigningKeySource {
  if (config.devMode === true) return fixed(DEV_SIGNING_KEYS);
  const current = optionalKey("currentSigningKey", config.currentSigningKey);
  const next = optionalKey("nextSigningKey", config.nextSigningKey);
  if (current && next) return fixed({ current, next });
  // Half a pair is a typo or a missing variable, not a request to read the environment.
  if (current || next) throw new MissingSigningKeysError(current ? "nextSigningKey" : "currentSigningKey");
  const fallback = pairFrom(env, "");
  if (normaliseRegion(env["QSTASH_REGION"])) return regional(env, fallback);
  if (!fallback) throw new MissingSigningKeysError(halfPairIn(env, ""));
  return fixed(fallback);
}

function regional(env: Env, fallback: SigningKeyPair | undefined): SigningKeySource {
  const byRegion = new Map<string, SigningKeyPair>();
  for (const region of REGIONS) {
    const pair = pairFrom(env, `${region}_`);
    if (pair) byRegion.set(region, pair);
  }
  if (byRegion.size === 0 && !fallback) throw new MissingSigningKeysError();
  const all = [...byRegion.values(), ...(fallback ? [fallback] : [])].flatMap((p) => [p.current, p.next]);
  return {
    all,
    keysFor(upstashRegion) {
      const region = normaliseRegion(upstashRegion);
      const pair = region === undefined ? undefined : byRegion.get(region);
      if (pair) return { keys: pair, region };
      return fallback ? { keys: fallback } : undefined;
    },
  };
}
