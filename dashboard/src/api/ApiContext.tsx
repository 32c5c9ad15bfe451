import { createContext, useContext, type ReactNode } from 'react';
import { api as defaultClient, type ApiClient } from './client';

const ApiContext = createContext<ApiClient>(defaultClient);

/** Supplies the API client to the hooks; tests pass one with a fake `fetch`. */
export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  return useContext(ApiContext);
}
