// Test-only, loaded with --import: raises an unhandled rejection in the process on SIGUSR2.
process.on("SIGUSR2", () => {
  Promise.reject(new Error("injected failure"));
});
