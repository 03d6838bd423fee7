/**
 * antd's component styles come from its prebuilt stylesheet (see AntdStyleRegistry), written for
 * CSS-variable mode with no hash class: so no hash here either, and a key of our own for the
 * theme's variables (by default antd derives one from React's useId, which could match one of the
 * variable blocks the stylesheet carries from antd's own build, `.css-var-_R_0_`). The tenant's
 * colour changes the variables only, which antd still writes at run time.
 */
export const ANTD_THEME = { hashed: false, cssVar: { key: "css-var-uc" } } as const;
