/**
 * The price table (prices.json): one data file, each price with its confidence mark (✓, ~, ?; see
 * its $comment). The environment report (@strata/gitops) and the recommender price from it.
 */
import PRICES_JSON from './prices.json';

export const PRICES = PRICES_JSON;
