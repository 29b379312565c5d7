// RUN: qopt %s -p 'target-legalize{target=litert}' | filecheck %s

// hf_gpt2 int16's masked attention: scores + causal mask (-3.4e38, scale ~1e34) then
// SOFTMAX. The ADD's score multiplier is flushed to 0, so it is the constant mask; the
// int16 SOFTMAX of that scale wraps int32 in LiteRT (softmax16_shift_overflows), so the
// SOFTMAX of the constant becomes the constant it means: row i keeps positions 0..i with
// probability 1/(i+1) (stored 32767 = min(32768, max), 16384, 10923, 8192; 0 masked).
// CHECK-LABEL: func.func @masked_attention(
// CHECK-NEXT:    %[[P:.*]] = circle.const dense<{{\[}}{{\[}}{{\[}}[32767, 0, 0, 0], [16384, 16384, 0, 0], [10923, 10923, 10923, 0], [8192, 8192, 8192, 8192]]]]> : tensor<1x1x4x4xi16> to tensor<1x1x4x4x!quant.uniform<i16:f32, 3.0517578125e-05>>
// CHECK-NEXT:    func.return %[[P]]
// CHECK-NOT:     circle.softmax
func.func @masked_attention(%s: tensor<1x1x4x4x!quant.uniform<i16:f32, 2.5298375e-06>>) -> tensor<1x1x4x4x!quant.uniform<i16:f32, 3.0517578125e-05>> {
  %m = circle.const dense<[[[[0, -32767, -32767, -32767], [0, 0, -32767, -32767], [0, 0, 0, -32767], [0, 0, 0, 0]]]]> : tensor<1x1x4x4xi16> to tensor<1x1x4x4x!quant.uniform<i16:f32, 1.0384752e+34>>
  %a = circle.add %s, %m : (tensor<1x1x4x4x!quant.uniform<i16:f32, 2.5298375e-06>>, tensor<1x1x4x4x!quant.uniform<i16:f32, 1.0384752e+34>>) -> tensor<1x1x4x4x!quant.uniform<i16:f32, 1.0384752e+34>>
  %p = circle.softmax %a {beta = 1.0 : f32} : (tensor<1x1x4x4x!quant.uniform<i16:f32, 1.0384752e+34>>) -> tensor<1x1x4x4x!quant.uniform<i16:f32, 3.0517578125e-05>>
  func.return %p : tensor<1x1x4x4x!quant.uniform<i16:f32, 3.0517578125e-05>>
}
