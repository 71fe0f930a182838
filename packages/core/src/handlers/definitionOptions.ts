import type { HandlerOptions } from "./verifierConfig.js";

// Stored on the definition's `handle` function under a registered symbol: every definition
// kind is a frozen spread of its handlers, so that function is the identity they all share,
// and a registered symbol is the same in every copy of core (the CommonJS build bundles each
// entry separately), so `@stashkit/core/testing` finds the options whichever copy built them.
const OPTIONS = Symbol.for("stashkit.definitionOptions");

/**
 * @internal Records the options a definition was declared with.
 * @param handle - the definition's `handle` function
 * @param options - its own verification options (keys, receiver, …)
 */
export function rememberDefinitionOptions(handle: object, options: HandlerOptions): void {
  Object.defineProperty(handle, OPTIONS, { value: options });
}

/**
 * @internal The verification options a definition was declared with, so that
 * `@stashkit/core/testing` signs with the keys the definition verifies with.
 * @param definition - any definition (destination, callback, failure callback)
 * @returns its own options, or `undefined` for an object that is not a definition
 */
export function definitionOptions(definition: { readonly handle?: unknown }): HandlerOptions | undefined {
  const handle = definition.handle as { [OPTIONS]?: HandlerOptions } | undefined;
  return typeof handle === "function" ? handle[OPTIONS] : undefined;
}
