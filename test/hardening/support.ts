export { newChart, synthErrors, warnings } from '@strata/storage/test/testing';
