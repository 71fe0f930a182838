import { route } from "@stashkit/next";
import { hostOptions } from "@/lib/hostOptions";
import { sendWelcomeEmail } from "@/lib/jobs";

export const { POST } = route(sendWelcomeEmail, hostOptions);
