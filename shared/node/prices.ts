import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PriceTable } from '../engine/prices';
import { packageRoot } from './package-root';

/** The model price table every Node program costs calls with (resources/prices.json). */
export function loadPrices(file = join(packageRoot(), 'resources', 'prices.json')): PriceTable {
  return PriceTable.parse(JSON.parse(readFileSync(file, 'utf8')));
}
