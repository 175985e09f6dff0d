/**
 * Starts the data worker as the page's first act, before the screen's code is evaluated: the
 * worker's own start (its code, SQLite, the database) then runs beside the rest of the page's.
 */
import { startEngine } from './engine-client';

export const { api } = startEngine();
