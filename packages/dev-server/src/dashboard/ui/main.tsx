// Entry of the dashboard page (bundled into dist/dashboard/app.js).
import "./styles.css";
import { render } from "preact";
import { currentToken } from "./api.js";
import { App } from "./app.js";
import { store } from "./messageStore.js";

if (currentToken() !== undefined) store.start();
render(<App />, document.getElementById("app")!);
