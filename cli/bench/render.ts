/** The render benchmark (being written): prints `name: value unit` lines. */
export async function run(): Promise<void> {}
