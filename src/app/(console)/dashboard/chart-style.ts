/** The dashboard's series colours (Okabe–Ito: told apart with any colour vision) and chart height. */
export const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
export const CHART_HEIGHT = 240;
