import { route } from "@stashkit/next";
import { hostOptions } from "@/lib/hostOptions";
import { onWelcomeDelivered } from "@/lib/jobs";

export const { POST } = route(onWelcomeDelivered, hostOptions);
