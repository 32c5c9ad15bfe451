import { act, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceUnauthorized, clearToken, loadToken, saveToken } from '../../api/token';
import { TokenPrompt, useUnauthorized } from '../TokenPrompt';

describe('TokenPrompt', () => {
  afterEach(() => clearToken());

  it('saves the token for the tab and reloads', () => {
    const reload = vi.fn();
    render(<TokenPrompt reload={reload} />);
    const save = screen.getByTestId<HTMLButtonElement>('token-save');
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('token-input'), { target: { value: 'abc123' } });
    fireEvent.click(save);
    expect(loadToken()).toBe('abc123');
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('says when a saved token was refused, and can forget it', () => {
    saveToken('old');
    const reload = vi.fn();
    render(<TokenPrompt reload={reload} />);
    expect(screen.getByTestId('token-prompt').textContent).toMatch(/refused the saved token/);
    fireEvent.click(screen.getByText('Forget saved token'));
    expect(loadToken()).toBeNull();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('useUnauthorized turns true when a request is refused', () => {
    const { result } = renderHook(() => useUnauthorized());
    expect(result.current).toBe(false);
    act(() => announceUnauthorized());
    expect(result.current).toBe(true);
  });
});
