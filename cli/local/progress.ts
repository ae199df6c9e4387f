/** A one-line progress counter on a terminal ("ingested 37/152"), plain lines elsewhere. */
export class Progress {
  private last = 0;
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(done: number): void {
    if (this.out.isTTY) {
      this.out.write(`\r${this.label} ${done}/${this.total}`);
      if (done === this.total) this.out.write('\n');
    } else if (done === this.total || done - this.last >= Math.max(1, Math.ceil(this.total / 10))) {
      this.out.write(`${this.label} ${done}/${this.total}\n`);
      this.last = done;
    }
  }
}
