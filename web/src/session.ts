// The API key lives in sessionStorage: per tab, gone when the tab closes, never sent anywhere but /graphql.
const KEY = "hub.apiKey";

export const session = {
  read: (): string | null => sessionStorage.getItem(KEY),
  save: (apiKey: string): void => sessionStorage.setItem(KEY, apiKey),
  clear: (): void => sessionStorage.removeItem(KEY),
};
