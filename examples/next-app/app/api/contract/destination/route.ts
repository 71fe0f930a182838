import { route } from "@stashkit/next";
import { contractDestination } from "@/lib/contract";
import { hostOptions } from "@/lib/hostOptions";

export const { POST } = route(contractDestination, hostOptions);
