// altcha ships no types for its zh-CN translation module; it only registers strings.
declare module "altcha/i18n/zh-cn";
