import { route } from "@stashkit/next";
import { contractFailureCallback } from "@/lib/contract";
import { hostOptions } from "@/lib/hostOptions";

export const { POST } = route(contractFailureCallback, hostOptions);
