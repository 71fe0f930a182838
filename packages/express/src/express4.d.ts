// `express4` is an npm alias of express@4 installed to test both majors; its API is typed
// with the Express 5 types, which cover everything these tests use.
declare module "express4" {
  import express from "express";
  export default express;
}
