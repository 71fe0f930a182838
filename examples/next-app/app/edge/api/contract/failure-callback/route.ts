import { route } from "@stashkit/next";
import { contractFailureCallback } from "@/lib/contract";
import { hostOptions } from "@/lib/hostOptions";

export const runtime = "edge";
export const { POST } = route(contractFailureCallback, hostOptions);
