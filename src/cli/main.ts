export async function main(argv: string[]): Promise<void> {
  console.log("amortvi", argv.slice(2).join(" "));
}
