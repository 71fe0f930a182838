import { route } from "@stashkit/next";
import { contractCallback } from "@/lib/contract";
import { hostOptions } from "@/lib/hostOptions";

export const { POST } = route(contractCallback, hostOptions);
