import { route } from "@stashkit/next";
import { hostOptions } from "@/lib/hostOptions";
import { onWelcomeFailed } from "@/lib/jobs";

export const { POST } = route(onWelcomeFailed, hostOptions);
