// The part of d3-cloud's API the emote cloud uses (the package ships no types).
declare module 'd3-cloud' {
  type Accessor<T, V> = V | ((datum: T, index: number) => V);

  export interface Cloud<T> {
    size(size: [number, number]): Cloud<T>;
    words(words: T[]): Cloud<T>;
    padding(padding: Accessor<T, number>): Cloud<T>;
    rotate(rotate: Accessor<T, number>): Cloud<T>;
    font(font: Accessor<T, string>): Cloud<T>;
    fontWeight(weight: Accessor<T, string | number>): Cloud<T>;
    fontSize(size: Accessor<T, number>): Cloud<T>;
    random(random: () => number): Cloud<T>;
    canvas(canvas: () => HTMLCanvasElement): Cloud<T>;
    on(type: 'end', listener: (placed: T[], bounds: unknown) => void): Cloud<T>;
    on(type: 'word', listener: (word: T) => void): Cloud<T>;
    start(): Cloud<T>;
    stop(): Cloud<T>;
  }

  export default function cloud<T>(): Cloud<T>;
}
